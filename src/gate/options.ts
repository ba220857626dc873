import type { LogOption } from '../internal/log.js';
import type { LocalizedMessage } from '../internal/select-message.js';
import type { ObligationKeys, PasswordRules } from '../obligation/obligation.js';
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
  required,
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
   * @default 'Please reset your password!'
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
   * When `message` is localized and `sendResetEmail` is on, set this too, with at least the same
   * locales: the default is English only, and a user must not get one message in their language
   * and the other in English.
   * @default 'Please reset your password! We have emailed you a link to set a new password.'
   */
  emailSentMessage?: LocalizedMessage;
  /**
   * A tenant-wide cut-off, ISO 8601 (`2026-11-30T00:00:00Z`): every database user whose password was
   * last set before this instant — `last_password_reset`, or `created_at` when it never changed —
   * must set a new one, as after a breach (NIST SP 800-63B: "SHALL force a change if there is
   * evidence that the authenticator has been compromised"). No write and no Management API request:
   * one deploy covers a tenant of any size, and the rule ends for each user the moment they change the
   * password. Not in force before the instant comes.
   * @default undefined
   */
  passwordsSetBefore?: string;
  /**
   * A password older than this many days must be changed. Opt-in: NIST SP 800-63B advises against
   * periodic rotation ("SHALL NOT require subscribers to change passwords periodically"); PCI DSS 4.0
   * (8.3.9) still asks for 90 days where a password is the only factor. From 1 to 3650.
   * @default undefined
   */
  maxPasswordAgeDays?: number;
  /**
   * Let the user set the new password inside the sign-in, on a page you host
   * (`auth0-force-password-reset/page`), and continue into the application — instead of a deny. On an
   * interactive login that the obligation would deny, the gate writes what it writes today and sends
   * the browser to `url` with a signed `session_token` (Auth0's `api.redirect.encodeToken`); the page
   * sets the password and sends the browser back to Auth0's `/continue`, where the gate's
   * `onContinuePostLogin` checks the page's token and clears the flag. Every other login — refresh
   * tokens, password grants, `prompt=none`, or a login where the secret is unusable — is decided as
   * without it. Export `gate.onContinuePostLogin` as `exports.onContinuePostLogin` in the same Action.
   * @default undefined — denied logins are denied
   */
  changePasswordPage?: ChangePasswordPageOptions;
  /**
   * The `fetch` the reset-email request goes through (an egress proxy; tests).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
}

/** Where the gate sends users to change the password in the sign-in. */
export interface ChangePasswordPageOptions {
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

export const DEFAULT_MESSAGE = 'Please reset your password!';
export const DEFAULT_EMAIL_SENT_MESSAGE = 'Please reset your password! We have emailed you a link to set a new password.';

const changePasswordPageChecks: OptionChecks<ChangePasswordPageOptions> = {
  url: required('the change-password page’s https:// URL', (value, report) => {
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    const expected = 'must be an https:// URL (http:// only for a loopback host such as 127.0.0.1)';
    if (url === undefined) return report(expected, value);
    if (url.username !== '' || url.password !== '') return report('must not hold credentials (the value is not shown)', NOT_SHOWN);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return report(expected, value);
    if (url.hash !== '') report('must not have a #fragment (Auth0 adds the state to the query)', value);
  }),
  secret: (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be the name of an Action secret', value);
  },
  expiresInSeconds: integerCheck(60, 3600, ' (seconds)'),
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
  passwordsSetBefore: (value, report) => {
    if (parseIsoTime(value) === undefined) report('must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z"', value);
  },
  maxPasswordAgeDays: integerCheck(1, 3650, ' (days)'),
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
  rules: PasswordRules | undefined;
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
