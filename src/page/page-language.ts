import { selectMessage } from '../internal/select-message.js';
import { BUILT_IN_LOCALES } from './locales/index.js';
import { DEFAULT_TEXTS, type LocaleTexts, type PageText, type PageTexts } from './page-texts.js';

/** The page in one language: the tag for `<html lang>`, and each text in it. */
export interface PageLanguage {
  /** The language the texts are in: a built-in one, one `texts` adds, or `en`. */
  readonly lang: string;
  readonly text: (key: keyof PageTexts) => string;
}

/** Chooses the page's language for a request, and gives its texts. */
export type LanguageChooser = (locale: string | undefined, acceptLanguage?: string | null) => PageLanguage;

const DEFAULT_LANGUAGE = 'en';
/** `default` in a text of `texts` stands for English and every language the page does not have. */
const DEFAULT_KEY = 'default';

/**
 * The entry of `candidates` that `wanted` picks with the gate's rules (`src/internal/select-message.ts`):
 * the exact tag, case-insensitively, then its language part (`fr-CA` → `fr`); `undefined` when none.
 */
function matchTag(candidates: readonly string[], wanted: string): string | undefined {
  const none = '\0';
  const picked = selectMessage({ default: none, ...Object.fromEntries(candidates.map((tag) => [tag, tag])) }, wanted);
  return picked === none ? undefined : picked;
}

/** The language tags of an `Accept-Language` header, most wanted first (`*` and `q=0` left out). */
function acceptedTags(header: string): string[] {
  return header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), weight: q === undefined ? 1 : Number(q), index };
    })
    .filter(({ tag, weight }) => /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map(({ tag }) => tag);
}

/**
 * The page's languages: the built-in ones and those `texts` adds. For a request it picks one — the
 * login's locale (`event.transaction.locale`, from the session) with the gate's rules, or, for a page
 * with no session, the browser's `Accept-Language` — else English; and every text is in that language:
 * 1. a text given as a string in `texts` (shown in every language);
 * 2. `texts`' entry for the language (its exact tag, then its language part);
 * 3. the built-in text in that language;
 * 4. `texts`' `default` (English, and a language the page does not have);
 * 5. the built-in English.
 */
export function createLanguageChooser(overrides: Partial<PageTexts> = {}): LanguageChooser {
  const given = Object.entries(overrides).filter((entry): entry is [keyof PageTexts, PageText] => entry[1] !== undefined);
  const added = given.flatMap(([, text]) => (typeof text === 'string' ? [] : Object.keys(text).filter((tag) => tag !== DEFAULT_KEY)));
  const builtIn = Object.keys(BUILT_IN_LOCALES);
  const tags = [...new Set([...builtIn, ...added])];
  const languages = new Map<string, PageLanguage>();

  function languageOf(tag: string): PageLanguage {
    const builtInTag = matchTag(builtIn, tag);
    const native: Partial<LocaleTexts> = builtInTag === undefined || builtInTag === DEFAULT_LANGUAGE ? {} : (BUILT_IN_LOCALES[builtInTag] as LocaleTexts);
    const texts: Record<keyof PageTexts, string> = { ...DEFAULT_TEXTS, ...native };
    for (const [key, text] of given) {
      if (typeof text === 'string') {
        texts[key] = text;
        continue;
      }
      const own = matchTag(Object.keys(text).filter((candidate) => candidate !== DEFAULT_KEY), tag);
      if (own !== undefined) texts[key] = text[own] as string;
      else if (native[key] === undefined && text[DEFAULT_KEY] !== undefined) texts[key] = text[DEFAULT_KEY];
    }
    return { lang: tag, text: (key) => texts[key] };
  }

  return function chooseLanguage(locale, acceptLanguage) {
    const wanted = locale !== undefined && locale !== '' ? [locale] : acceptLanguage === undefined || acceptLanguage === null ? [] : acceptedTags(acceptLanguage);
    let tag = DEFAULT_LANGUAGE;
    for (const candidate of wanted) {
      const found = matchTag(tags, candidate.replaceAll('_', '-'));
      if (found !== undefined) {
        tag = found;
        break;
      }
    }
    // One entry per tag the page has: the cache is as small as the set of languages.
    let language = languages.get(tag);
    if (language === undefined) {
      language = languageOf(tag);
      languages.set(tag, language);
    }
    return language;
  };
}
