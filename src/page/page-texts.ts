import { ENGLISH_PASSWORD_TEXTS, type PasswordTexts } from '../password/password-texts.js';

/**
 * One text of the page, as the `texts` option takes it: a string, shown in every language; or one
 * per language tag (`{ fr: '…', 'fr-CA': '…', default: '…' }`), where `default` stands for English
 * and any language the page does not have. A language left out keeps the page's own text in it.
 */
export type PageText = string | Readonly<Record<string, string>>;

/** The page's own words, besides the password's ({@link PasswordTexts}). */
export interface PageFormTexts {
  /** The page's title and heading. */
  title: string;
  /** Why the user is here, above the form, when the session's reason is none of the four below. */
  intro: string;
  /** Why the user is here: the first sign-in with a password someone else chose (the gate's `first-login`). */
  reasonFirstLogin: string;
  /** Why the user is here: the account was flagged — by an administrator, or at a first sign-in not finished (`flagged`). */
  reasonFlagged: string;
  /** Why the user is here: every password set before a cut-off must be replaced, after a breach (`passwords-set-before`). */
  reasonPasswordsSetBefore: string;
  /** Why the user is here: the password is older than the tenant allows (`password-too-old`). */
  reasonPasswordTooOld: string;
  /** A warning (`password-expires-soon`): the password expires at `{date}`; the user may change it now or later. */
  reasonPasswordExpiresSoon: string;
  /** A warning (`passwords-set-before-grace`): the password must be replaced by `{date}`, after a breach; now or later. */
  reasonPasswordsSetBeforeGrace: string;
  /** The button of a warning that keeps the password for now and goes on to the application. */
  notNow: string;
  /** "Not now" pressed after the deadline passed: the change is required now. */
  notNowTooLate: string;
  /** "Not now" was chosen; the browser goes back to the sign-in. */
  notNowDone: string;
  /** The checkbox (`signOutOtherSessions: 'offer'`): end the other sessions once the password is set. */
  signOutOthers: string;
  /** Under the form with `signOutOtherSessions: 'always'`: the other sessions will be ended. */
  signOutOthersAlways: string;
  /** The password is set, but the other sessions could not be ended; the user continues with a button. */
  signOutFailed: string;
  /** The label of the (read-only) account field. */
  accountLabel: string;
  /** The label of the new password. */
  passwordLabel: string;
  /** The label of the confirmation. */
  confirmLabel: string;
  /** The heading of the password rules. */
  rulesHeading: string;
  /** Before a rule the password typed meets, for screen readers (the checklist shows a mark). */
  ruleMet: string;
  /** Before a rule the password typed does not meet yet, for screen readers. */
  ruleNotMet: string;
  /** The button that sets the password. */
  submit: string;
  /** Above the rules a refused password broke. */
  passwordRefused: string;
  /** The two passwords differ. */
  mismatch: string;
  /**
   * Among a refusal's reasons: the password is past the 72 bytes Auth0 keeps, on a connection that
   * would cut it (every legacy policy; `max_length_exceeded: 'truncate'`). Where the connection refuses
   * such a password itself, the rule `ruleMaxBytes` says it instead.
   */
  tooLong: string;
  /** The password could not be set for a reason of ours or Auth0's; the user may try again. */
  unavailable: string;
  /** The link is expired, already used or not valid: the user must sign in again. */
  expired: string;
  /** Too many failed attempts on this link. */
  locked: string;
  /** Another attempt with the same link is being made right now (a second window, a double click). */
  busy: string;
  /** The page was opened without the link from a sign-in. */
  missingLink: string;
  /** The password is set; the browser goes back to the sign-in. */
  done: string;
  /** The button that goes back to the sign-in when scripts are off. */
  continue: string;
}

/** Every text of the page in one language: its own and the password's. */
export type LocaleTexts = Readonly<Record<keyof PageFormTexts | keyof PasswordTexts, string>>;

/** `T`'s keys, each taking a {@link PageText} (a homomorphic mapping: each key keeps its documentation). */
type AsPageTexts<T> = { [Key in keyof T]: PageText };

/**
 * Every text of the page, as the `texts` option takes them. Texts with placeholders in braces
 * (`{min}`, `{max}`, `{atLeast}`, `{types}`) keep them: the page fills them in.
 */
export interface PageTexts extends AsPageTexts<PageFormTexts>, AsPageTexts<PasswordTexts> {}

/** The page's own words in English. */
const ENGLISH_FORM_TEXTS: Readonly<PageFormTexts> = {
  title: 'Choose a new password',
  intro: 'Before you continue, please replace your password.',
  reasonFirstLogin: 'This is your first sign-in: please replace the password you were given with one of your own.',
  reasonFlagged: 'A password change has been requested for your account. Choose a new password to continue.',
  reasonPasswordsSetBefore: 'For your security, passwords set before a certain date must be replaced. Choose a new password to continue.',
  reasonPasswordTooOld: 'Your password has reached its maximum age. Choose a new password to continue.',
  reasonPasswordExpiresSoon: 'Your password expires on {date}. You can choose a new one now, or later.',
  reasonPasswordsSetBeforeGrace: 'For your security, your password must be replaced by {date}. You can choose a new one now, or later.',
  notNow: 'Not now',
  notNowTooLate: 'The deadline has passed: choose a new password to continue.',
  notNowDone: 'You can change your password later. Taking you back…',
  signOutOthers: 'Sign me out on my other devices',
  signOutOthersAlways: 'You will be signed out on your other devices.',
  signOutFailed: 'Your password is set, but your other devices could not be signed out. Continue to the application, and sign out there if you can.',
  accountLabel: 'Account',
  passwordLabel: 'New password',
  confirmLabel: 'Confirm the new password',
  rulesHeading: 'Password requirements:',
  ruleMet: 'Met:',
  ruleNotMet: 'Not met:',
  submit: 'Set password and continue',
  passwordRefused: 'This password does not meet these requirements:',
  mismatch: 'The two passwords are not the same.',
  tooLong: 'This password is too long (at most 72 bytes).',
  unavailable: 'Your password could not be set just now. Please try again.',
  expired: 'This link has expired or was already used. Go back to the application and sign in again.',
  locked: 'Too many attempts. Go back to the application and sign in again.',
  busy: 'Your new password is already being set in another window. Wait a moment, then try again.',
  missingLink: 'This page opens from your sign-in. Go back to the application and sign in to get here with a new link.',
  done: 'Your password is set. Taking you back…',
  continue: 'Continue',
};

/** Every text in English: the default of every one, and the page's language when no other fits. */
export const DEFAULT_TEXTS: LocaleTexts = { ...ENGLISH_FORM_TEXTS, ...ENGLISH_PASSWORD_TEXTS };

/** The key of every text. */
export const TEXT_KEYS = Object.keys(DEFAULT_TEXTS) as ReadonlyArray<keyof PageTexts>;
