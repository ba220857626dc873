import type { PasswordTexts } from '../../password/password-texts.js';
import type { PageTexts } from '../page-texts.js';

/** Every text of the page in one language: the page's own and the password's. */
export type LocaleTexts = Readonly<Record<keyof PageTexts | keyof PasswordTexts, string>>;
