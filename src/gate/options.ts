import type { LogOption } from '../internal/log.js';
import type { LocalizedMessage } from '../internal/select-message.js';
import { isRecord, type ObligationKeys, type TenantWideRules } from '../obligation/obligation.js';
import { parseIsoTime } from '../obligation/time.js';
import { isLoopbackHost } from '../internal/loopback.js';
import {
  booleanCheck,
  checkFields,
  checkText,
  localizedMessageCheck,
  fetchCheck,
  flagCheck,
  integerCheck,
  logCheck,
  NOT_SHOWN,
  shownUrl,
  required,
  type Check,
  type OptionChecks,
} from '../internal/check-options.js';

export type { LocalizedMessage };


/** Options of {@link createFirstLoginGate}. Every option is optional; unknown keys are rejected. */
export interface FirstLoginGateOptions {
  /**
   * The `app_metadata` key holding the obligation. Next to it the library keeps `<flag>At`
   * (e.g. `needsPasswordResetAt`), the ISO-8601 time the obligation was set.
   * A non-empty key without `.` or `$`.
   * @default 'needsPasswordReset'
   */
  flag?: string;
  /**
   * The deny reason the user's application receives as `error_description`.
   * @default 'Please reset your password!' — and the same in French, German, Spanish, Italian,
   * Brazilian Portuguese, Dutch, Polish, Swedish, Japanese, Simplified Chinese and Korean, by the
   * login's locale (see `src/gate/default-messages.ts`)
   */
  message?: LocalizedMessage;
  /**
   * Flag every database user at the first login (`logins_count === 1`) who has not yet chosen a
   * password. With `false` the gate only enforces flags an administrator set — for tenants with
   * self-service signup, whose users must not be forced.
   * @default true
   */
  flagOnFirstLogin?: boolean;
  /**
   * Names of the database connections to gate. Connections whose strategy is not `auth0` are
   * never gated, even when listed. Default: every database connection.
   * @default undefined
   */
  connections?: readonly string[];
  /**
   * `'enforce'` denies and writes; `'report'` decides and logs as usual but never denies and never
   * writes — for rolling out on a live tenant.
   * @default 'enforce'
   */
  mode?: 'enforce' | 'report';
  /**
   * `true`: one JSON line per decision through `console.log`; `false`: silence; a function
   * receives each entry instead.
   * @default true, or `false` when the environment variable `FORCE_PASSWORD_RESET_LOG` is `0`, `false`,
   * `off` or `no` (to silence a test run)
   */
  log?: LogOption;
  /**
   * When the gate denies a flagged user on an interactive login, ask Auth0 to email them a link to set
   * a new password (`POST https://{event.request.hostname}/dbconnections/change_password`; no
   * credentials needed), at most once per cooldown, recorded as `<flag>EmailedAt`. Never in report
   * mode, never for a user with no email address, never for refresh-token or password grants or
   * `prompt=none` (an app refreshing tokens in the background must not send mail). The request's
   * failure is logged and changes nothing else.
   * `true` uses the defaults of {@link ResetEmailOptions}.
   * @default false
   */
  sendResetEmail?: boolean | ResetEmailOptions;
  /**
   * The deny reason when a reset email was sent (now, or within the cooldown), localized like `message`.
   * When `message` is localized and `sendResetEmail` is on, this must cover the same locales — the
   * default covers the twelve languages of `message`'s default — so that a user never gets one
   * message in their language and the other in English.
   * @default 'Please reset your password! We have emailed you a link to set a new password.' — and
   * the same in the languages of `message`'s default
   */
  emailSentMessage?: LocalizedMessage;
  /**
   * A tenant-wide cut-off, ISO 8601 (`2026-11-30T00:00:00Z`): every database user whose password was
   * last set before this instant — `last_password_reset`, or `created_at` when it never changed —
   * must set a new one, as after a breach (NIST SP 800-63B: "SHALL force a change if there is
   * evidence that the authenticator has been compromised"). No write and no Management API request:
   * one deploy covers a tenant of any size, and the rule ends for each user the moment they change the
   * password. Not in force before the instant comes.
   *
   * `{ at, graceDays }` spreads the deadlines to stage a breach response: each user's is the cut-off
   * plus 0 to `graceDays` whole days, a stable offset from a hash of the user id; until then the
   * login is a warning (reason `passwords-set-before-grace`), not a deny — with `changePasswordPage`,
   * an interactive one goes to the page, which offers "Not now".
   * @default undefined
   */
  passwordsSetBefore?: string | PasswordsSetBeforeOptions;
  /**
   * A password older than this many days must be changed. Opt-in: NIST SP 800-63B advises against
   * periodic rotation ("SHALL NOT require subscribers to change passwords periodically"); PCI DSS 4.0
   * (8.3.9) still asks for 90 days where a password is the only factor. From 1 to 3650.
   *
   * `{ days, warnDays }` warns before it enforces: in the last `warnDays` days of the password's life
   * the login is a warning (reason `password-expires-soon`), not a deny — with `changePasswordPage`,
   * an interactive one goes to the page, which offers "Not now".
   * @default undefined
   */
  maxPasswordAgeDays?: number | MaxPasswordAgeOptions;
  /**
   * Logins to let through without a change, whatever the flag and the rules say. Off unless you
   * turn them on: whether to exempt them is your tenant's choice.
   * @default undefined — no exemption
   */
  exempt?: ExemptOptions;
  /**
   * Let the user set the new password inside the sign-in, on a page you host
   * (`auth0-force-password-reset/page`), and continue into the application — instead of a deny. On an
   * interactive login that the obligation would deny, the gate writes what it writes today and sends
   * the browser to `url` with a signed `session_token` (Auth0's `api.redirect.encodeToken`); the page
   * sets the password and sends the browser back to Auth0's `/continue`, where the gate's
   * `onContinuePostLogin` checks the page's token and clears the flag. An interactive login in a
   * warning window (`warnDays`, `graceDays`) goes to the page too, where the user may also choose
   * "Not now": that login goes on, and the next one asks again. Every other login — refresh tokens,
   * password grants, `prompt=none`, or a login where the secret is unusable — is decided as without
   * it. Export `gate.onContinuePostLogin` as `exports.onContinuePostLogin` in the same Action.
   * @default undefined — denied logins are denied
   */
  changePasswordPage?: PageRedirectOptions;
  /**
   * The `fetch` the reset-email request goes through (an egress proxy; tests).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
}

/** Where the gate sends users to change the password in the sign-in. */
export interface PageRedirectOptions {
  /** The page's URL: `https://…`; plain `http://` only for a loopback host (a local rehearsal). */
  url: string;
  /**
   * The name of the Action secret that holds the key shared with the page (its `sessionSecret`): at
   * least 32 bytes. A missing or shorter key is logged at the first login that needs it, and that
   * login is denied as without the page.
   * @default 'CHANGE_PASSWORD_PAGE_SECRET'
   */
  secret?: string;
  /**
   * How long the page's session lasts, in seconds: the time a user has to choose a password.
   * @default 600
   */
  expiresInSeconds?: number;
}

/** `passwordsSetBefore` with its deadlines spread over a grace period. */
export interface PasswordsSetBeforeOptions {
  /** The cut-off, ISO 8601 (`2026-11-30T00:00:00Z`): as the plain `passwordsSetBefore`. */
  at: string;
  /**
   * Spread the deadlines over this many days after the cut-off, from 1 to 90: a user's deadline is
   * the cut-off plus 0 to `graceDays` whole days — `fnv1a32(user_id) % (graceDays + 1)`, the same at
   * every login. Users at offset 0 are stopped from the cut-off itself, as without a spread; the
   * others get a warning until their day.
   * @default undefined — everyone from the cut-off
   */
  graceDays?: number;
}

/** `maxPasswordAgeDays` with a warning before it enforces. */
export interface MaxPasswordAgeOptions {
  /** The maximum age in days, from 1 to 3650: as the plain `maxPasswordAgeDays`. */
  days: number;
  /**
   * Warn in the last this many days before the password becomes too old, from 1 to 365 and fewer
   * than `days`: the login goes on and the warning is logged — or, with `changePasswordPage`, an
   * interactive login goes to the page, which offers "Not now".
   * @default undefined — no warning
   */
  warnDays?: number;
}

/** Logins the gate lets through without a change. */
export interface ExemptOptions {
  /**
   * Let a login through, logged (reason `passkey-login`), when the user signed in with a passkey and
   * used no password in the session (`event.authentication.methods` lists `passkey` and no `pwd`).
   * Nothing is written: the flag stays, and the next login with the password is stopped as before.
   * @default false
   */
  passkeyLogins?: boolean;
}

/** How the gate sends reset emails. */
export interface ResetEmailOptions {
  /**
   * At most one email per this many minutes per user (Auth0 itself allows about one a minute per address).
   * @default 15
   */
  cooldownMinutes?: number;
  /**
   * How long the email request may take; the login waits for it.
   * @default 2500
   */
  timeoutMs?: number;
}

export { DEFAULT_EMAIL_SENT_MESSAGE, DEFAULT_MESSAGE } from './default-messages.js';

const changePasswordPageChecks: OptionChecks<PageRedirectOptions> = {
  url: required('the change-password page’s https:// URL', (value, report) => {
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    const expected = 'must be an https:// URL (http:// only for a loopback host such as 127.0.0.1)';
    if (url === undefined) return report(expected, shownUrl(value));
    if (url.username !== '' || url.password !== '') return report('must not hold credentials (the value is not shown)', NOT_SHOWN);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return report(expected, shownUrl(value));
    if (url.hash !== '') report('must not have a #fragment (Auth0 adds the state to the query)', shownUrl(value));
  }),
  secret: (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be the name of an Action secret', value);
  },
  expiresInSeconds: integerCheck(60, 3600, ' (seconds)'),
};

/** The cut-off's check, for the plain option and for `at`. */
const isoTimeCheck: Check<string> = (value, report) => {
  if (parseIsoTime(value) === undefined) report('must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z"', value);
};

const MAX_PASSWORD_AGE_DAYS = 3650;
const maxAgeDaysCheck = integerCheck(1, MAX_PASSWORD_AGE_DAYS, ' (days)');

/** The checks of {@link PasswordsSetBeforeOptions}. */
export const passwordsSetBeforeChecks: OptionChecks<PasswordsSetBeforeOptions> = {
  at: required('the cut-off, an ISO 8601 date-time such as "2026-11-30T00:00:00Z"', isoTimeCheck),
  graceDays: integerCheck(1, 90, ' (days)'),
};

/** The checks of {@link MaxPasswordAgeOptions}. */
export const maxPasswordAgeChecks: OptionChecks<MaxPasswordAgeOptions> = {
  days: required(`the maximum age, an integer from 1 to ${MAX_PASSWORD_AGE_DAYS} (days)`, maxAgeDaysCheck),
  warnDays: integerCheck(1, 365, ' (days)'),
};

/** The checks of {@link ExemptOptions}. */
export const exemptChecks: OptionChecks<ExemptOptions> = {
  passkeyLogins: booleanCheck,
};

const resetEmailChecks: OptionChecks<ResetEmailOptions> = {
  cooldownMinutes: integerCheck(1, 1440, ' (minutes)'),
  timeoutMs: integerCheck(100, 5000, ' (milliseconds)'),
};

/** The checks of {@link FirstLoginGateOptions}: one per option, typed against the interface. */
export const firstLoginGateOptionChecks: OptionChecks<FirstLoginGateOptions> = {
  flag: flagCheck,
  message: localizedMessageCheck('message'),
  flagOnFirstLogin: booleanCheck,
  connections: (value, report) => {
    if (!Array.isArray(value)) return report('must be an array of connection names', value);
    if (value.length === 0) return report('must name at least one connection', value);
    value.forEach((name, index) => checkText(name, report, [index]));
  },
  mode: (value, report) => {
    if (value !== 'enforce' && value !== 'report') report('must be "enforce" or "report"', value);
  },
  log: logCheck,
  sendResetEmail: (value, report) => {
    if (typeof value !== 'boolean') checkFields(value, report, resetEmailChecks, 'must be true, false or { cooldownMinutes?, timeoutMs? }');
  },
  emailSentMessage: localizedMessageCheck('emailSentMessage'),
  // A plain value keeps its own check and message; an object is checked field by field.
  passwordsSetBefore: (value, report) => {
    if (!isRecord(value)) return isoTimeCheck(value, report);
    checkFields(value, report, passwordsSetBeforeChecks, 'must be an ISO 8601 date-time or { at, graceDays? }');
  },
  maxPasswordAgeDays: (value, report) => {
    if (!isRecord(value)) return maxAgeDaysCheck(value, report);
    checkFields(value, report, maxPasswordAgeChecks, 'must be an integer or { days, warnDays? }');
    const { days, warnDays } = value;
    // A warning as long as the whole life would warn a password the day it is set.
    if (typeof days === 'number' && typeof warnDays === 'number' && warnDays >= days) {
      report(`must be fewer than "options.maxPasswordAgeDays.days", ${days}`, warnDays, ['warnDays']);
    }
  },
  exempt: (value, report) => void checkFields(value, report, exemptChecks, 'must be { passkeyLogins? }'),
  changePasswordPage: (value, report) =>
    void checkFields(value, report, changePasswordPageChecks, 'must be { url, secret?, expiresInSeconds? }'),
  fetch: fetchCheck,
};

/** The options with every default applied, as the decision function takes them. */
export interface ResolvedGateOptions {
  /** The flag and its companion keys. */
  keys: ObligationKeys;
  message: LocalizedMessage;
  flagOnFirstLogin: boolean;
  /** `undefined`: every database connection. */
  connections: ReadonlySet<string> | undefined;
  mode: 'enforce' | 'report';
  log: LogOption;
  /** `undefined`: no reset emails. */
  resetEmail: ResolvedResetEmail | undefined;
  /** `undefined`: no change-password page. */
  page: ResolvedPage | undefined;
  /** `undefined`: no tenant-wide rule (the common case: then the gate reads no time for most logins). */
  rules: TenantWideRules | undefined;
  /** `exempt.passkeyLogins`. */
  exemptPasskeyLogins: boolean;
}

/** The reset-email settings with defaults applied. */
export interface ResolvedResetEmail {
  cooldownMs: number;
  timeoutMs: number;
  sentMessage: LocalizedMessage;
  /** The `fetch` option; `undefined`: the test api's transport, else `globalThis.fetch`. */
  fetch: typeof globalThis.fetch | undefined;
}

/** The change-password page settings with defaults applied. */
export interface ResolvedPage {
  readonly url: string;
  /** The name of the Action secret holding the shared key. */
  readonly secretName: string;
  readonly expiresInSeconds: number;
}
