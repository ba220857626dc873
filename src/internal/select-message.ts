/**
 * The deny reason, a page's text: one string, or one per locale with a required `default`. The
 * locale is `event.transaction.locale`: an exact match wins, then its language part (`fr-CA` →
 * `fr`), then `default`.
 */
export type LocalizedMessage = string | { default: string; [locale: string]: string };

/**
 * Picks the message for a locale: an exact match (case-insensitive), then the language part
 * (`fr-CA` → `fr`), then `default`.
 */
export function selectMessage(message: LocalizedMessage, locale: string | undefined): string {
  if (typeof message === 'string') return message;
  if (typeof locale === 'string' && locale.length > 0) {
    const wanted = locale.toLowerCase();
    const language = wanted.split(/[-_]/)[0];
    let languageMatch: string | undefined;
    for (const [key, text] of Object.entries(message)) {
      const candidate = key.toLowerCase();
      if (candidate === wanted) return text;
      if (candidate === language) languageMatch = text;
    }
    if (languageMatch !== undefined) return languageMatch;
  }
  return message.default;
}
