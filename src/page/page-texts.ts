import type { LocalizedMessage } from '../internal/select-message.js';

/** Every text the change-password page shows; each may be localized like the gate's `message`. */
export interface PageTexts {
  /** The page's title and heading. */
  title: LocalizedMessage;
  /** Why the user is here, above the form. */
  intro: LocalizedMessage;
  /** The label of the (read-only) account field. */
  accountLabel: LocalizedMessage;
  /** The label of the new password. */
  passwordLabel: LocalizedMessage;
  /** The label of the confirmation. */
  confirmLabel: LocalizedMessage;
  /** The heading of the password rules. */
  rulesHeading: LocalizedMessage;
  /** The button that sets the password. */
  submit: LocalizedMessage;
  /** The two passwords differ. */
  mismatch: LocalizedMessage;
  /** The password is longer than Auth0 keeps (72 bytes). */
  tooLong: LocalizedMessage;
  /** The password could not be set for a reason of ours or Auth0's; the user may try again. */
  unavailable: LocalizedMessage;
  /** The link is expired, already used or not valid: the user must sign in again. */
  expired: LocalizedMessage;
  /** Too many failed attempts on this link. */
  locked: LocalizedMessage;
  /** Another attempt with the same link is being made right now (a second window, a double click). */
  busy: LocalizedMessage;
  /** The page was opened without the link from a sign-in. */
  missingLink: LocalizedMessage;
  /** The password is set; the browser goes back to the sign-in. */
  done: LocalizedMessage;
  /** The button that goes back to the sign-in when scripts are off. */
  continue: LocalizedMessage;
}

/** The texts in English, the default of every one. */
export const DEFAULT_TEXTS: Readonly<Record<keyof PageTexts, string>> = {
  title: 'Choose a new password',
  intro: 'Before you continue, please replace your password.',
  accountLabel: 'Account',
  passwordLabel: 'New password',
  confirmLabel: 'Confirm the new password',
  rulesHeading: 'Your password must have:',
  submit: 'Set password and continue',
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

export const TEXT_KEYS = Object.keys(DEFAULT_TEXTS) as ReadonlyArray<keyof PageTexts>;
