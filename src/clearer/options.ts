import type { LogOption } from '../internal/log.js';
import {
  checkFields,
  fetchCheck,
  flagCheck,
  integerCheck,
  logCheck,
  type Check,
  type OptionChecks,
} from '../internal/check-options.js';

/** Names of the `event.secrets` entries holding the M2M application's credentials. */
export interface ClearerSecretNames {
  /**
   * The secret holding the canonical tenant domain, e.g. `acme.eu.auth0.com` (not a custom
   * domain: the Management API audience must match it). A host with a port is valid too.
   * @default 'AUTH0_DOMAIN'
   */
  domain?: string;
  /** @default 'AUTH0_CLIENT_ID' */
  clientId?: string;
  /** @default 'AUTH0_CLIENT_SECRET' */
  clientSecret?: string;
}

/** Options of {@link createPasswordResetClearer}. Every option is optional; unknown keys are rejected. */
export interface PasswordResetClearerOptions {
  /**
   * The `app_metadata` key holding the obligation — the same as the gate's.
   * @default 'needsPasswordReset'
   */
  flag?: string;
  /** Names of the secrets holding the Management API credentials. */
  secrets?: ClearerSecretNames;
  /**
   * `true`: one JSON line per decision through `console.log`; `false`: silence; a function
   * receives each entry instead.
   * @default true, or `false` when the environment variable `FORCE_PASSWORD_RESET_LOG` is `0`, `false`,
   * `off` or `no` (to silence a test run)
   */
  log?: LogOption;
  /**
   * The `fetch` every Management API request goes through: for an egress proxy, or for tests
   * against the local tenant of `auth0-force-password-reset/testing`.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * How long one HTTP request may take before it is abandoned (and retried if time allows). At
   * most `deadlineMs`.
   * @default 5000, or `deadlineMs` when that is shorter
   */
  requestTimeoutMs?: number;
  /**
   * The budget of one execution, retries and waits included. Auth0 stops an Action after 20 s.
   * @default 12000
   */
  deadlineMs?: number;
  /**
   * Attempts per request; 429, 5xx, timeouts and dropped connections are retried with backoff,
   * honouring `retry-after` / `x-ratelimit-reset`.
   * @default 4
   */
  maxAttempts?: number;
}

const secretNameCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || value.length === 0) report('must be the name of an Action secret', value);
};

const secretNameChecks: OptionChecks<ClearerSecretNames> = {
  domain: secretNameCheck,
  clientId: secretNameCheck,
  clientSecret: secretNameCheck,
};

/** The checks of {@link PasswordResetClearerOptions}: one per option, typed against the interface. */
export const passwordResetClearerOptionChecks: OptionChecks<PasswordResetClearerOptions> = {
  flag: flagCheck,
  secrets: (value, report) =>
    void checkFields(value, report, secretNameChecks, 'must be an object with domain, clientId and/or clientSecret'),
  log: logCheck,
  fetch: fetchCheck,
  requestTimeoutMs: integerCheck(100, 15_000, ' (milliseconds)'),
  deadlineMs: integerCheck(500, 18_000, ' (milliseconds)'),
  maxAttempts: integerCheck(1, 10, ''),
};
