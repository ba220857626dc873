import type { LocalizedMessage } from './options.js';

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
