import { checkFields, checkText, fetchCheck, integerCheck, logCheck, NOT_SHOWN, oneOfCheck, required, type Check, type OptionChecks, type Report } from '../internal/check-options.js';
import type { LogOption } from '../internal/log.js';
import { isRecord } from '../obligation/obligation.js';
import { breachedPasswordsCheck, type BreachedPasswordsOptions } from '../password/breached-passwords.js';
import { passwordPolicyOptionCheck, type PasswordPolicyOption, type ShortPasswordPolicy } from '../password/password-policy-option.js';
import { DEFAULT_TEXTS, TEXT_KEYS, type PageText, type PageTexts } from './page-texts.js';
import { parseTenantDomain } from '../management/domain.js';
import { SESSION_STORE_METHODS, type PageSessionStore } from './session-store.js';

/**
 * 0.2.0's name of the short form of `passwordPolicy`.
 * @deprecated Use {@link ShortPasswordPolicy}, or `passwordPolicy` in Auth0's shape ({@link PasswordPolicyOption}).
 */
export type PagePasswordPolicy = ShortPasswordPolicy;

/** Options of {@link createChangePasswordPage}. */
export interface ChangePasswordPageOptions {
  /**
   * The tenant's canonical domain, such as `acme.eu.auth0.com` (not a custom domain): the
   * Management API's. `https://` and a trailing `/` are tolerated; `http://` only for a loopback host.
   */
  domain: string;
  /**
   * The client id of an M2M application granted `read:users` and `update:users` (to set the password);
   * unless `passwordPolicy` is given, `read:connections` and `read:connections_options` (to read the
   * connection's password policy); and, unless `signOutOtherSessions` is `'never'`, `read:sessions`,
   * `delete:sessions` and `delete:refresh_tokens` (to end the user's other sessions). Give the page its own application: the clearer's must not have
   * `update:users`.
   */
  clientId: string;
  /** Its client secret. Never appears in a page, an error or a log line. */
  clientSecret: string;
  /**
   * The key shared with the post-login Action — the value of the Action secret that the gate's
   * `changePasswordPage.secret` names (`CHANGE_PASSWORD_PAGE_SECRET` by default). At least 32 bytes.
   */
  sessionSecret: string;
  /**
   * The hosts users sign in on, whose `/continue` the page may send the browser back to: the
   * canonical domain and your custom domains (`login.acme.com`, or `https://login.acme.com` as
   * pasted). The gate puts the host of each login (`event.request.hostname`) in the session; a
   * session from any other host is refused: the page is no open redirect.
   * @default [domain]
   */
  allowedHosts?: readonly string[];
  /**
   * The connection's password policy, checked here before Auth0 is asked: the connection's `options`
   * in either of Auth0's shapes — legacy keys (`passwordPolicy`, `password_complexity_options`,
   * `password_dictionary`, `password_no_personal_info`, `password_history`) or `password_options` (the
   * Flexible Password Policy, which wins when both are there) — or the short `{ level, minLength? }`.
   * Without it the page reads the connection's through the Management API (once per connection per
   * five minutes).
   * @default undefined — read from the connection
   */
  passwordPolicy?: PasswordPolicyOption;
  /**
   * A check of the new password against known breaches, through Have I Been Pwned's range API: only
   * the first 5 hexadecimal characters of the password's SHA-1 leave the page. `onUnavailable` says
   * what to do when the API does not answer in `timeoutMs`: `'allow'` (logged) or `'refuse'`.
   * @default undefined — no breach check
   */
  breachedPasswords?: BreachedPasswordsOptions;
  /**
   * Any of the page's texts, in any language: a string (shown in every language) or one per
   * language tag (`{ fr: '…', 'pt-PT': '…', default: '…' }`, `default` standing for English and the
   * languages the page does not have). The page ships 12 languages; a tag given here adds one.
   * @default the built-in texts
   */
  texts?: Partial<PageTexts>;
  /**
   * Failed attempts (different passwords, a policy the password breaks, Auth0's refusal) one
   * session may have; then it is locked and the user must sign in again.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Once the new password is set, end the user's other Auth0 sessions and their refresh tokens — an
   * attacker who had the old password keeps no access — and keep the login in progress, which goes on
   * to the application: `'offer'` asks with a checkbox (checked), `'always'` does it without asking
   * (the form says so), `'never'` ends nothing. The page lists the user's sessions (`GET
   * /api/v2/users/{id}/sessions`) and revokes each but the login's own (`POST
   * /api/v2/users/{id}/revoke-access` with its `session_id`): the page's application needs
   * `read:sessions`, `delete:sessions` and `delete:refresh_tokens`, and Auth0 offers this on Enterprise
   * plans only. It never undoes or fails the password change: a refusal is logged (`warn`,
   * `sign-out-failed`) and the user is told before going back.
   * @default 'offer'
   */
  signOutOtherSessions?: 'never' | 'offer' | 'always';
  /**
   * Where the page keeps which sessions are spent, which has a change in flight, and the attempts of
   * each. One process: the default. Several instances (processes, serverless functions, isolates):
   * a shared store such as `createRedisSessionStore({ client })`, or your own.
   * @default createMemorySessionStore()
   */
  sessionStore?: PageSessionStore;
  /**
   * `true`: one JSON line per request through `console.log`; `false`: silence; a function receives
   * each entry instead. Never a password, a token or a secret.
   * @default true, or `false` when the environment variable `FORCE_PASSWORD_RESET_LOG` is `0`, `false`,
   * `off` or `no` (to silence a test run)
   */
  log?: LogOption;
  /**
   * The `fetch` the Management API requests and the breach check's go through (an egress proxy;
   * tests against a local tenant).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
}

const HOST_EXPECTED = 'a host such as "login.acme.com", optionally with a port; https:// may be given, http:// only for a loopback host';

const hostCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string') return report(`must be ${HOST_EXPECTED}`, value);
  const parsed = parseTenantDomain(value);
  if ('problem' in parsed) report(`${parsed.problem}: it must be ${HOST_EXPECTED}`, value);
};

const placeholdersOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);

/** A language tag such as `fr`, `pt-BR` or `zh-Hant-TW`, or `default`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** One text: a non-empty string with no placeholder but the English text's, or one per language tag. */
const textCheck = (key: keyof PageTexts): Check<PageText> => {
  const known = placeholdersOf(DEFAULT_TEXTS[key]);
  const checkOne = (value: unknown, report: Report, path: string[] = []) => {
    if (!checkText(value, report, path)) return;
    const unknown = placeholdersOf(value).filter((placeholder) => !known.includes(placeholder));
    if (unknown.length > 0) report(`must use no placeholder but ${known.length === 0 ? 'none' : known.map((name) => `{${name}}`).join(', ')} (found ${unknown.map((name) => `{${name}}`).join(', ')})`, NOT_SHOWN, path);
  };
  return (value, report) => {
    if (typeof value === 'string') return checkOne(value, report);
    if (!isRecord(value) || Object.keys(value).length === 0) return report('must be a non-empty string or an object of language tag → text, such as { fr: "…", default: "…" }', value);
    for (const [tag, text] of Object.entries(value)) {
      if (tag !== 'default' && !LANGUAGE_TAG.test(tag)) report('must be a language tag such as "fr", "pt-BR" or "default"', tag, [tag]);
      checkOne(text, report, [tag]);
    }
  };
};

// One check per text: TEXT_KEYS comes from DEFAULT_TEXTS, a record of every key of PageTexts.
const textChecks = Object.fromEntries(TEXT_KEYS.map((key) => [key, textCheck(key)])) as OptionChecks<Partial<PageTexts>>;

/** A secret: a non-empty string, never quoted back. */
const secretCheck = (minBytes: number): Check<string> => (value, report) => {
  if (typeof value !== 'string' || value.length === 0) return report('is required: a non-empty string (the value is not shown)', NOT_SHOWN);
  if (Buffer.byteLength(value) < minBytes) report(`must be at least ${minBytes} bytes (the value is not shown)`, NOT_SHOWN);
};

/** The checks of {@link ChangePasswordPageOptions}: one per option, typed against the interface. */
export const changePasswordPageOptionChecks: OptionChecks<ChangePasswordPageOptions> = {
  domain: required('the tenant’s canonical domain, such as "acme.eu.auth0.com"', (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be the tenant’s canonical domain, such as "acme.eu.auth0.com"', typeof value === 'string' ? value : NOT_SHOWN);
  }),
  clientId: required('the client id of the page’s M2M application', (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be a non-empty string', value);
  }),
  clientSecret: required('the client secret of the page’s M2M application', secretCheck(1)),
  sessionSecret: required('the key shared with the post-login Action (at least 32 bytes)', secretCheck(32)),
  allowedHosts: (value, report) => {
    if (!Array.isArray(value) || value.length === 0) return report('must be a non-empty array of host names', value);
    value.forEach((host, index) => hostCheck(host, (expected, input) => report(expected, input, [index])));
  },
  passwordPolicy: passwordPolicyOptionCheck,
  breachedPasswords: breachedPasswordsCheck,
  texts: (value, report) => void checkFields(value, report, textChecks, 'must be an object of texts'),
  maxAttempts: integerCheck(1, 20, ''),
  signOutOtherSessions: oneOfCheck(['never', 'offer', 'always']),
  sessionStore: (value, report) => {
    const store = value as Partial<Record<keyof PageSessionStore, unknown>> | null;
    const missing = typeof store === 'object' && store !== null ? SESSION_STORE_METHODS.filter((method) => typeof store[method] !== 'function') : SESSION_STORE_METHODS;
    if (missing.length > 0) report(`must be a store with ${SESSION_STORE_METHODS.join(', ')} (missing: ${missing.join(', ')})`, value);
  },
  log: logCheck,
  fetch: fetchCheck,
};
