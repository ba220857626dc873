import { DEFAULT_TEXTS, type LocaleTexts } from '../page-texts.js';
import { de } from './de.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { ko } from './ko.js';
import { nl } from './nl.js';
import { pl } from './pl.js';
import { ptBR } from './pt-br.js';
import { sv } from './sv.js';
import { zhCN } from './zh-cn.js';

export type { LocaleTexts } from '../page-texts.js';

/** The texts in English: the default of every locale the page does not ship. */
export const ENGLISH: LocaleTexts = DEFAULT_TEXTS;

/**
 * The languages the page ships, by the tag a locale is matched against with the gate's rules
 * (`src/internal/select-message.ts`: the exact tag, then its language): `fr-CA` finds `fr`;
 * `pt-PT` and `zh-TW` find nothing here (Brazilian Portuguese and Simplified Chinese are not theirs)
 * and get English, unless `texts` gives them.
 */
export const BUILT_IN_LOCALES: Readonly<Record<string, LocaleTexts>> = {
  en: ENGLISH,
  fr,
  de,
  es,
  it,
  'pt-BR': ptBR,
  nl,
  pl,
  sv,
  ja,
  'zh-CN': zhCN,
  ko,
};
