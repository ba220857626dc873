import type { ManagementApiStep } from '../errors/management-api-error.js';
import {
  checkConnection,
  checkExportJob,
  checkSessionList,
  checkUser,
  checkUserSearch,
  type AnswerProblem,
  type ConnectionSnapshot,
  type SessionIdPage,
  type UserField,
  type UserSearchPage,
  type UserSnapshot,
  type UsersExportJob,
} from './answers.js';
import { towardsOrigin, type TenantDomain } from './domain.js';
import { openExportDownload } from './export-download.js';
import { loadAuth0Sdk } from './load-auth0-sdk.js';
import { managementApiFailure, type FailureHint } from './management-api-failure.js';
import type { RequestPacer } from './request-pacer.js';
import { createRetryingFetch, SYSTEM_REQUEST_CLOCK, type AttemptRecord, type RequestClock, type RetryWait, type Unreachable } from './resilient-fetch.js';
import { createSdkCall, type SdkRun } from './sdk-call.js';
import { createTokenSource } from './token-source.js';
import type { TokenOrigin, TokenRecord, TokenStore } from './token-store.js';

export { PROFILE_FIELDS, type ConnectionSnapshot, type SessionIdPage, type ProfileField, type UserField, type UserSearchPage, type UserSnapshot, type UsersExportJob } from './answers.js';

/**
 * The one Management API client of the library: the clearer, the administrator tools and the
 * change-password page all talk to Auth0 through it, and import what they need of `management/`
 * from here. It puts together the pieces, each in its own file: the token (`token-source.ts`),
 * one call through the official `auth0` SDK with its retries and the replay of a rejected token
 * (`sdk-call.ts`, over `resilient-fetch.ts`), the checks of every answer before anyone relies on it
 * (`answers.ts`), and the download of a users export (`export-download.ts`).
 */

export interface ManagementClientOptions {
  /** The public function the client works for; errors start with it. */
  readonly caller: string;
  readonly domain: TenantDomain;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The `fetch` every request goes through. */
  readonly transport: typeof globalThis.fetch;
  /** Where the token is kept between requests. */
  readonly tokens: TokenStore;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  /** A reading of the clock's `monotonic` (`performance.now()`): no request runs past it (an Action's execution). */
  readonly deadline?: number;
  /** How long one request may take in all, retries and waits included (a long administrator run). */
  readonly requestBudgetMs?: number;
  /** The time requests run on (tests); what it lacks is the system's. @default the system's */
  readonly clock?: Partial<RequestClock>;
  /** Keeps Management API requests under the tenant's rate limit (not token requests). */
  readonly pacer?: RequestPacer;
  /** More values that must never appear in an error (a temporary password). */
  readonly redact?: readonly string[];
  /** The caller's advice for a failure, tried before the general advice. */
  readonly hint?: FailureHint;
  /** Reports a problem that does not stop the work (a token that could not be shared). */
  readonly warn?: (reason: string, detail: string) => void;
  /**
   * Fail at once, unretried, when a host cannot be reached at all: for the token request a DNS,
   * TLS or connection failure; for the Management API and the export download a DNS or TLS
   * failure (a refused connection there is retried: a load balancer may be restarting). The error
   * carries `unreachable`. For a person at a terminal, who should hear "cannot reach" at once.
   * @default false — every network failure is retried (an Action's deadline bounds them)
   */
  readonly failFastWhenUnreachable?: boolean;
  /** Told of each wait between two attempts of a request, before it starts (progress output). */
  readonly onWait?: (wait: RetryWait) => void;
}

/** A field of a users export, as `POST /api/v2/jobs/users-exports` takes it. */
export interface UsersExportField {
  /** A user attribute, or a path into one: `user_id`, `app_metadata`, `identities[0].connection`. */
  readonly name: string;
  /** The key it gets in the file; give one for every dotted path (how Auth0 names those is undocumented). */
  readonly exportAs?: string;
}

export interface ManagementClient {
  /** Gets a token now (so that wrong credentials stop a run before anything is read). */
  authenticate(): Promise<TokenRecord>;
  readUser(userId: string, fields: readonly UserField[]): Promise<UserSnapshot>;
  /** Merges `patch` into `app_metadata` (top-level keys; the others are kept); returns the user after. */
  updateAppMetadata(userId: string, patch: Record<string, unknown>): Promise<UserSnapshot>;
  /**
   * Sets the user's password on `connection`; returns the user after (with `last_password_reset`).
   * Sent once: a second run would meet the password history, so only a 429 is retried. After a
   * failure without a status, or a 5xx, the change may have taken effect: read the user to find out.
   */
  setPassword(userId: string, password: string, connection: string): Promise<UserSnapshot>;
  /**
   * Ends every session and refresh token of the user: `POST /api/v2/users/{id}/revoke-access`
   * (scopes `delete:sessions` and `delete:refresh_tokens`). Auth0 answers 202, "deletion request
   * accepted": it acts later. For Enterprise plans (Auth0's "Manage user sessions with the
   * Management API"); on others Auth0 refuses with a 403.
   *
   * With `sessionId`, ends that one session and its refresh tokens only: Auth0's `session_id` names
   * the session to revoke, not one to keep.
   */
  revokeAccess(userId: string, sessionId?: string): Promise<void>;
  /**
   * The ids of the user's sessions: `GET /api/v2/users/{id}/sessions` (scope `read:sessions`), the
   * first page of up to 100 (`more` when Auth0 has another). Enterprise plans only, like revoking.
   */
  listSessionIds(userId: string): Promise<SessionIdPage>;
  /** One page of `GET /api/v2/users?q=…&search_engine=v3`, user ids only. */
  searchUsers(query: string, page: number, perPage: number): Promise<UserSearchPage>;
  /**
   * The database connection named `name` (`GET /api/v2/connections?name=…&strategy=auth0`), with its
   * `options` when the token may see them. Scopes: `read:connections`, and `read:connections_options`
   * for `options`.
   */
  readConnection(name: string): Promise<ConnectionSnapshot>;
  /**
   * Starts a users export (`POST /api/v2/jobs/users-exports`, format `json`, scope `read:users`):
   * every user of the tenant, or of the connection with this id.
   */
  createUsersExport(fields: readonly UsersExportField[], connectionId?: string): Promise<UsersExportJob>;
  /** `GET /api/v2/jobs/{id}`: where a job stands; a completed one with a fresh download link. */
  readJob(jobId: string): Promise<UsersExportJob>;
  /**
   * Opens the file of a completed export at its pre-signed `location`: a plain `GET` through the
   * transport, WITHOUT the token (the link may point to another host, a CDN) and refusing
   * redirects, so no credential ever leaves for wherever a `Location` header points. One attempt:
   * the caller retries, with a fresh link once this one may have expired. The headers must arrive
   * within `requestTimeoutMs`, and so must each piece of the body. The body is the file as sent
   * (gzip for Auth0).
   *
   * @throws ManagementApiError (step `download export`) with the status of a refused answer, or
   *   the network failure (`unreachable` for a DNS or TLS failure).
   */
  downloadExport(location: string): Promise<ReadableStream<Uint8Array>>;
  /** Where the token in use came from, once one was needed. */
  readonly tokenOrigin: TokenOrigin | undefined;
}

/** With `failFastWhenUnreachable`: what ends a token request, and a Management API request, at once. */
const FINAL_FOR_TOKEN: ReadonlySet<Unreachable['kind']> = new Set(['dns', 'tls', 'connection']);
const FINAL_FOR_API: ReadonlySet<Unreachable['kind']> = new Set(['dns', 'tls']);

/** Opens the Management API client; the `auth0` SDK is loaded here, on first use. */
export async function openManagementClient(options: ManagementClientOptions): Promise<ManagementClient> {
  const { caller, domain, clientId, clientSecret, pacer } = options;
  const { ManagementClient: SdkManagementClient } = await loadAuth0Sdk();
  const transport = towardsOrigin(domain, options.transport);
  // Read when a failure is built: `tokens` is there by then.
  const secrets = () => [clientSecret, tokens.current?.token ?? '', ...(options.redact ?? [])];

  const clock: RequestClock = { ...SYSTEM_REQUEST_CLOCK, ...options.clock };
  const requestDeadline = () =>
    Math.min(options.deadline ?? Number.POSITIVE_INFINITY, clock.monotonic() + (options.requestBudgetMs ?? Number.POSITIVE_INFINITY));

  /** Token requests are paced never, and the first to meet a host that cannot be reached. */
  const retryingFetch = (request: 'token' | 'api', deadline: number, idempotent: boolean) =>
    createRetryingFetch({
      transport,
      idempotent,
      requestTimeoutMs: options.requestTimeoutMs,
      deadline,
      maxAttempts: options.maxAttempts,
      clock,
      ...(request === 'api' && pacer !== undefined ? { beforeAttempt: () => pacer.acquire(), observe: (headers: Headers) => pacer.observe(headers) } : {}),
      ...(options.failFastWhenUnreachable === true ? { finalWhenUnreachable: request === 'api' ? FINAL_FOR_API : FINAL_FOR_TOKEN } : {}),
      ...(options.onWait === undefined ? {} : { onWait: options.onWait }),
    });

  /** `subject`: the user id, or the connection name of `read connection`. */
  const fail = (step: ManagementApiStep, subject: string | undefined, record: AttemptRecord, error: unknown, malformed?: string) =>
    managementApiFailure({
      caller,
      step,
      ...(step === 'read connection' ? { userId: undefined, connection: subject as string } : { userId: subject }),
      record,
      error,
      ...(malformed === undefined ? {} : { malformed }),
      secrets: secrets(),
      hint: options.hint,
      host: domain.host,
    });

  const tokens = createTokenSource({
    domain,
    clientId,
    clientSecret,
    store: options.tokens,
    retryingFetch: () => retryingFetch('token', requestDeadline(), true),
    fail: (record, error, malformed) => fail('get token', undefined, record, error, malformed),
    warn: options.warn,
  });

  const call = createSdkCall({
    Client: SdkManagementClient,
    host: domain.host,
    tokens,
    requestDeadline,
    monotonic: clock.monotonic,
    retryingFetch: (deadline, idempotent) => retryingFetch('api', deadline, idempotent),
    fail,
  });

  /** The checked answer, or the step's failure: the answer arrived, but cannot be used. */
  function checked<T extends object>(step: ManagementApiStep, subject: string | undefined, record: AttemptRecord, result: T | AnswerProblem): T {
    if ('problem' in result) throw fail(step, subject, record, undefined, result.problem);
    return result;
  }

  async function userCall(step: ManagementApiStep, userId: string, run: SdkRun<unknown>, idempotent = true): Promise<UserSnapshot> {
    const { answer, record } = await call(step, userId, run, idempotent);
    return checked(step, userId, record, checkUser(answer, userId));
  }

  return {
    get tokenOrigin() {
      return tokens.origin;
    },
    authenticate: () => tokens.get(),
    readUser: (userId, fields) =>
      userCall('read user', userId, (client, requestOptions) =>
        client.users.get(userId, { fields: ['user_id', ...fields].join(','), include_fields: true }, requestOptions),
      ),
    updateAppMetadata: (userId, patch) =>
      userCall('update user', userId, (client, requestOptions) => client.users.update(userId, { app_metadata: patch }, requestOptions)),
    setPassword: (userId, password, connection) =>
      userCall('set password', userId, (client, requestOptions) => client.users.update(userId, { password, connection }, requestOptions), false),
    async revokeAccess(userId, sessionId) {
      const body = sessionId === undefined ? {} : { session_id: sessionId };
      await call('revoke sessions', userId, (client, requestOptions) => client.users.revokeAccess(userId, body, requestOptions));
    },
    async listSessionIds(userId) {
      const { answer, record } = await call('list sessions', userId, (client, requestOptions) => client.users.sessions.list(userId, { take: 100 }, requestOptions));
      return checked('list sessions', userId, record, checkSessionList(answer));
    },
    async searchUsers(query, page, perPage) {
      const { answer, record } = await call('search users', undefined, (client, requestOptions) =>
        client.users.list(
          { q: query, search_engine: 'v3', page, per_page: perPage, include_totals: true, fields: 'user_id', include_fields: true },
          requestOptions,
        ),
      );
      return checked('search users', undefined, record, checkUserSearch(answer));
    },
    async readConnection(name) {
      const { answer, record } = await call('read connection', name, (client, requestOptions) =>
        client.connections.list({ name, strategy: ['auth0'], fields: 'id,name,strategy,options', include_fields: true }, requestOptions),
      );
      return checked('read connection', name, record, checkConnection(answer.data, name));
    },
    async createUsersExport(fields, connectionId) {
      const { answer, record } = await call('export users', undefined, (client, requestOptions) =>
        client.jobs.usersExports.create(
          {
            format: 'json',
            fields: fields.map(({ name, exportAs }) => (exportAs === undefined ? { name } : { name, export_as: exportAs })),
            ...(connectionId === undefined ? {} : { connection_id: connectionId }),
          },
          requestOptions,
        ),
        // Not sent again after a 5xx or a timeout: the first may have started a job (only a 429 is retried).
        false,
      );
      return checked('export users', undefined, record, checkExportJob(answer, undefined, secrets()));
    },
    async readJob(jobId) {
      const { answer, record } = await call('export users', undefined, (client, requestOptions) => client.jobs.get(jobId, requestOptions));
      return checked('export users', undefined, record, checkExportJob(answer, jobId, secrets()));
    },
    downloadExport: (location) =>
      openExportDownload(location, {
        transport: options.transport,
        requestTimeoutMs: options.requestTimeoutMs,
        fail: (record, host) =>
          managementApiFailure({
            caller,
            step: 'download export',
            userId: undefined,
            record,
            error: undefined,
            secrets: secrets(),
            hint: options.hint,
            ...(host === undefined ? {} : { host }),
          }),
      }),
  };
}
