import { VERSION } from '../version.js';

/** The trigger a log entry comes from — or the change-password page, which logs the same way. */
export type LogTrigger = 'post-login' | 'post-change-password' | 'change-password-page';

/**
 * One decision (or warning) of a handler, as passed to a `log` function or printed as one JSON
 * line. It carries the library version, so a tenant's logs tell which pinned version decided.
 */
export interface LogEntry {
  /** Always `auth0-force-password-reset`: search the tenant logs for it. */
  lib: 'auth0-force-password-reset';
  /** The library version that made the decision. */
  v: string;
  /** Which trigger's handler logged. */
  trigger: LogTrigger;
  /**
   * Post-login: `allow`, `deny`, or `redirect` (to the change-password page). Post-change-password:
   * `clear` (flag set to `false`), `keep` (no write), `skip` (not a database connection) or `fail`.
   * The change-password page: `show` (the form), `refuse` (a session or a password it turned away),
   * `change` (the password is set; the other sessions ended), `skip` ("Not now" in a warning) or `fail`. `warn` for a problem that did not change the outcome
   * (for example a failed cache write).
   */
  decision: 'allow' | 'deny' | 'redirect' | 'clear' | 'keep' | 'skip' | 'fail' | 'warn' | 'show' | 'refuse' | 'change';
  /** Why, as a stable kebab-case code such as `first-login` or `password-changed`. */
  reason: string;
  /** The user the decision is about, when known (shortened past 64 characters). */
  user_id?: string;
  /** `report` when the gate only reports (never denies, never writes). */
  mode?: 'enforce' | 'report';
  /** The `app_metadata` keys written (or, in report mode, that would have been written). */
  wrote?: string[];
  /**
   * The change-password page, when `changePasswordPage` is set and the obligation stopped the login:
   * `sent` (decision `redirect`), or why the login was denied instead.
   */
  page?: 'sent' | 'not-possible' | 'secret-unusable' | 'failed';
  /**
   * The reset email of a deny, when `sendResetEmail` is on: `sent`, `cooldown`, `not-interactive`,
   * `no-address` or `failed`.
   */
  email?: 'sent' | 'cooldown' | 'not-interactive' | 'no-address' | 'failed';
  /** The gate and the page: when the obligation that stopped the login began, ISO 8601. */
  since?: string;
  /** The gate and the page, for a warning: when the obligation begins, ISO 8601. */
  due?: string;
  /** The gate and the page: who required the change (`<flag>By`, at most 32 characters), when the flag says. */
  by?: string;
  /** A short human explanation for failures. Never contains a secret or a token. */
  detail?: string;
  /** How long the handler took, in milliseconds (post-change-password only). */
  ms?: number;
}

/** What a log line says about the obligation besides its reason: since when, until when, and who asked. */
export interface AuditFields {
  /** When the obligation began, ISO 8601. */
  readonly since?: string | undefined;
  /** A warning: when the obligation begins, ISO 8601. */
  readonly due?: string | undefined;
  /** Who required the change (`<flag>By`, at most 32 plain characters). */
  readonly by?: string | undefined;
}

/**
 * What the emitter puts before an entry's fields, `{"lib":…,"v":…,"trigger":""` (the entry's `{` becomes a
 * comma), without the trigger's name: plain letters and dashes, which JSON does not escape.
 */
const LINE_PREFIX = JSON.stringify({ lib: 'auth0-force-password-reset', v: VERSION, trigger: '' }).length - 1;

/**
 * The entry with the audit fields (`since`, `due`, `by`) added last, and only as many of them as fit
 * on the line whole: the emitter shortens `detail` and `user_id` to fit, and they matter more. Each
 * of the three is short (a time, and `by` at most 32 plain characters); a `user_id` past the
 * emitter's 64 characters leaves them out. The gate and the change-password page log them alike.
 */
export function withAuditFields<Fields extends Omit<LogEntry, 'lib' | 'v' | 'trigger'>>(trigger: LogTrigger, fields: Fields, audit: AuditFields): Fields {
  const prefix = LINE_PREFIX + trigger.length;
  let entry = fields;
  for (const field of ['since', 'due', 'by'] as const) {
    const value = audit[field];
    if (value === undefined) continue;
    const next = { ...entry, [field]: value };
    if (prefix + JSON.stringify(next).length > MAX_LOG_LINE) break;
    entry = next;
  }
  return entry;
}

/** What `log` may be: on (one JSON line per decision through `console.log`), off, or your own function. */
export type LogOption = boolean | ((entry: LogEntry) => void);

/** Auth0 shows a log line in full only when it is short; keep every entry's line under this. */
const MAX_LOG_LINE = 255;
const MAX_USER_ID = 64;
const MAX_DETAIL = 100;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/**
 * Drops `wrote` (the keys are in the options and follow from `reason`), then shortens `detail`, then
 * `user_id`, until the JSON line fits. Measured on the JSON text, not the characters: a `user_id` of
 * quotes or control characters grows up to six times when escaped. Removing `n` characters shortens
 * the line by at least `n`, so one cut per field fits.
 */
function fitToLine(entry: LogEntry): LogEntry {
  if (entry.user_id !== undefined) entry.user_id = shorten(entry.user_id, MAX_USER_ID);
  if (entry.detail !== undefined) entry.detail = shorten(entry.detail, MAX_DETAIL);
  if (JSON.stringify(entry).length > MAX_LOG_LINE) delete entry.wrote;
  for (const field of ['detail', 'user_id'] as const) {
    const value = entry[field];
    const excess = JSON.stringify(entry).length - MAX_LOG_LINE;
    if (excess > 0 && value !== undefined) entry[field] = shorten(value, Math.max(16, value.length - excess));
  }
  // Sixteen characters that each escape to six can still overflow: keep what fits, then drop it.
  for (const field of ['detail', 'user_id'] as const) {
    while (JSON.stringify(entry).length > MAX_LOG_LINE && entry[field] !== undefined) {
      const value = entry[field] as string;
      if (value.length <= 2) delete entry[field];
      else entry[field] = shorten(value, Math.floor(value.length / 2));
    }
  }
  return entry;
}

/** The environment variable that silences the JSON lines of every handler whose `log` option is not given. */
const LOG_ENVIRONMENT_VARIABLE = 'FORCE_PASSWORD_RESET_LOG';
const LOG_OFF = new Set(['0', 'false', 'off', 'no']);

/**
 * `log` when the option is not given: `true`, unless `FORCE_PASSWORD_RESET_LOG` is `0`, `false`, `off`
 * or `no` — so a test run (`FORCE_PASSWORD_RESET_LOG=0 npm test`) prints no decision lines without a
 * `log: false` in every test. Read when a handler is created, never per decision; where there is no
 * `process` (a Worker), on. An explicit `log` option wins.
 */
export function defaultLogOption(): boolean {
  const value = typeof process === 'undefined' ? undefined : process.env[LOG_ENVIRONMENT_VARIABLE];
  return value === undefined || !LOG_OFF.has(value.trim().toLowerCase());
}

/** Builds the emitter a handler uses. Logging never throws into the handler. */
export function createLogEmitter(
  log: LogOption,
  trigger: LogTrigger,
): (entry: Omit<LogEntry, 'lib' | 'v' | 'trigger'>) => void {
  if (log === false) return () => {};
  const sink = log === true ? (entry: LogEntry) => console.log(JSON.stringify(entry)) : log;
  return function emitLogEntry(fields) {
    try {
      sink(fitToLine({ lib: 'auth0-force-password-reset', v: VERSION, trigger, ...fields }));
    } catch {
      // A broken log sink must not change a login decision.
    }
  };
}
