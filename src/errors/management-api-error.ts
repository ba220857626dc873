import { ForcePasswordResetError } from './force-password-reset-error.js';

/**
 * The Management API (or Authentication API) step that failed. The clearer uses the first three;
 * the administrator tools (`auth0-force-password-reset/admin`) also search users, set temporary
 * passwords and export users (create the job and wait for it: `export users`; fetch the file:
 * `download export`) and revoke users' sessions and refresh tokens (`revoke sessions`); the
 * change-password page sets passwords and reads the connection's policy.
 */
export type ManagementApiStep =
  | 'get token'
  | 'read user'
  | 'update user'
  | 'set password'
  | 'search users'
  | 'read connection'
  | 'export users'
  | 'download export'
  /** `GET /api/v2/users/{id}/sessions`: listing a user's sessions (the page, to end all but the login's). */
  | 'list sessions'
  /** `POST /api/v2/users/{id}/revoke-access`: ending a user's sessions and refresh tokens. */
  | 'revoke sessions';

/**
 * A host that could not be reached at all: its name does not resolve (`dns`: `ENOTFOUND`,
 * `EAI_AGAIN`), its certificate is refused (`tls`), or nothing accepts the connection
 * (`connection`: `ECONNREFUSED`, `EHOSTUNREACH`, `ENETUNREACH`). Retrying does not help; the
 * command-line tool says "cannot reach <host>" and exits with its own code.
 */
export interface UnreachableHost {
  /** The host (and port) that could not be reached, e.g. `acme.eu.auth0.com`. */
  readonly host: string;
  readonly kind: 'dns' | 'tls' | 'connection';
  /** The system's code, e.g. `ENOTFOUND`, `CERT_HAS_EXPIRED`, `ECONNREFUSED`. */
  readonly code: string;
}

/** What a {@link ManagementApiError} is made of; every field is safe to print. */
export interface ManagementApiFailure {
  step: ManagementApiStep;
  /** The user the step was about, if any. */
  userId: string | undefined;
  /** The connection the step was about (`read connection`). */
  connection?: string | undefined;
  /** The last HTTP status received, if any response arrived. */
  status: number | undefined;
  /** How many attempts were made. */
  attempts: number;
  /**
   * What went wrong, for people: `HTTP 503`, `no response within 5000 ms`, `connection failed
   * (ECONNREFUSED)`, `redirect refused (HTTP 307)`, `malformed answer: not JSON`.
   */
  reason: string;
  /** The error text the server sent, shortened, with every secret redacted. */
  serverMessage: string | undefined;
  /** Why retrying stopped early, e.g. `the server asked to wait 30 s, more than the 4 s left`. */
  gaveUp: string | undefined;
  /** The scopes Auth0 said the request needs, from a 403 `insufficient_scope` answer. */
  requiredScopes: readonly string[] | undefined;
  /** What to do about it, e.g. `grant the application the read:users scope`. */
  hint: string | undefined;
  /** Set when the host could not be reached at all (not retried): a DNS, TLS or connection failure. */
  unreachable?: UnreachableHost | undefined;
}

/**
 * A Management API request of the clearer, the change-password page or the administrator tools
 * failed for good (after retries). The fields say which step, the HTTP status (or the network
 * failure), how often it was tried and what to do — never the token, the secret or a password.
 */
export class ManagementApiError extends ForcePasswordResetError implements ManagementApiFailure {
  override name = 'ManagementApiError' as const;
  readonly step: ManagementApiStep;
  readonly userId: string | undefined;
  readonly connection: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly reason: string;
  readonly serverMessage: string | undefined;
  readonly gaveUp: string | undefined;
  readonly requiredScopes: readonly string[] | undefined;
  readonly hint: string | undefined;
  readonly unreachable: UnreachableHost | undefined;

  /**
   * @param detail - the failure in words, rendered from its fields (`describeManagementApiFailure`
   *   in the Management API code, which only code that talks to Auth0 loads).
   */
  constructor(caller: string, failure: ManagementApiFailure, detail: string) {
    super('ERR_MANAGEMENT_API', caller, detail);
    this.step = failure.step;
    this.userId = failure.userId;
    this.connection = failure.connection;
    this.status = failure.status;
    this.attempts = failure.attempts;
    this.reason = failure.reason;
    this.serverMessage = failure.serverMessage;
    this.gaveUp = failure.gaveUp;
    this.requiredScopes = failure.requiredScopes;
    this.hint = failure.hint;
    this.unreachable = failure.unreachable;
  }
}
