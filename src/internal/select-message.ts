/**
 * The deny reason, a page's text: one string, or one per locale with a required `default`. The
 * locale is `event.transaction.locale`: an exact match wins, then its language part (`fr-CA` →
 * `fr`), then `default`.
 */
export type LocalizedMessage = string | { default: string; [locale: string]: string };

/** The text of one {@link LocalizedMessage} for a locale (`event.transaction.locale`, or none). */
export type MessageSelector = (locale: string | undefined) => string;

/** How many distinct locales a selector remembers its choice for (Auth0 supports about 80). */
const LOCALES_REMEMBERED = 128;

/**
 * Picks from `message` for a locale: an exact match (case-insensitive), then the language part
 * (`fr-CA` → `fr`), then `default`. The locales are lower-cased once, here: build it where the
 * options are read when the same message answers many requests (the gate's deny reason, in 12
 * languages by default). Should two locales differ only in case, the first one counts.
 */
export function createMessageSelector(message: LocalizedMessage): MessageSelector {
  if (typeof message === 'string') return () => message;
  const texts = new Map<string, string>();
  for (const [locale, text] of Object.entries(message)) {
    const key = locale.toLowerCase();
    if (!texts.has(key)) texts.set(key, text);
  }
  const fallback = message.default;
  function lookUp(locale: string): string {
    const wanted = locale.toLowerCase();
    const exact = texts.get(wanted);
    if (exact !== undefined) return exact;
    // Then the language of a tag with a region or script: `fr-CA` → `fr`.
    const separator = /[-_]/.exec(wanted);
    return (separator === null ? undefined : texts.get(wanted.slice(0, separator.index))) ?? fallback;
  }
  // A tenant's logins come in a handful of locales: each is looked up once, up to LOCALES_REMEMBERED.
  const chosen = new Map<string, string>();
  return function selectText(locale) {
    if (typeof locale !== 'string' || locale.length === 0) return fallback;
    let text = chosen.get(locale);
    if (text === undefined) {
      text = lookUp(locale);
      if (chosen.size < LOCALES_REMEMBERED) chosen.set(locale, text);
    }
    return text;
  };
}

/** The text of `message` for `locale`, by the rule of {@link createMessageSelector}. */
export function selectMessage(message: LocalizedMessage, locale: string | undefined): string {
  return createMessageSelector(message)(locale);
}
