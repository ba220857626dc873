import type { ManagementApiStep } from '../errors/management-api-error.js';
import { isRecord } from '../obligation/obligation.js';
import { escapeControlCharacters } from '../internal/control-characters.js';
import { isLoopbackHost } from '../internal/loopback.js';
import type { TenantDomain } from './domain.js';
import { loadAuth0Sdk } from './load-auth0-sdk.js';
import { managementApiFailure, redact, type FailureHint } from './management-api-failure.js';
import type { RequestPacer } from './request-pacer.js';
import {
  createRetryingFetch,
  describeNetworkFailure,
  unreachableCause,
  type AttemptRecord,
  type RetryingFetch,
  type RetryWait,
  type Unreachable,
} from './resilient-fetch.js';
import type { TokenOrigin, TokenRecord, TokenStore } from './token-store.js';

/**
 * The one Management API client of the library: the clearer, the administrator tools and the
 * change-password page all talk to Auth0 through it. It gets the token (client credentials, its
 * lifetime from `expires_in`), shares a token request in flight between concurrent callers,
 * replaces a rejected token once, and makes each call with the official `auth0` SDK over a
 * transport that times out, retries within a deadline, paces when asked, refuses redirects and
 * checks every answer before anyone relies on it.
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
  /** `performance.now()` milliseconds: no request runs past it (an Action's execution). */
  readonly deadline?: number;
  /** How long one request may take in all, retries and waits included (a long administrator run). */
  readonly requestBudgetMs?: number;
  /** How to wait between attempts (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
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

/** A users-export job as `GET /api/v2/jobs/{id}` answers it, checked. */
export interface UsersExportJob {
  readonly id: string;
  /**
   * `pending`, `processing`, `completed` or `failed` — or another word: only `completed` and
   * `failed` end a job, so anything else means "not finished yet".
   */
  readonly status: string;
  /** The download link of a completed job: pre-signed, valid for 60 seconds. Never print it whole. */
  readonly location: string | undefined;
  readonly percentageDone: number | undefined;
  readonly timeLeftSeconds: number | undefined;
  /** A failed job's `status_details`, shortened, if any. */
  readonly statusDetails: string | undefined;
}

/** The fields of a user the library reads. */
export type UserField = 'app_metadata' | 'created_at' | 'last_password_reset' | 'identities' | 'email' | ProfileField;

/**
 * The profile fields the change-password page may read, for a policy's personal-data rule: Auth0's
 * root attributes that hold a person's words, and `user_metadata` (whose keys a policy may name).
 */
export type ProfileField = 'name' | 'nickname' | 'username' | 'given_name' | 'family_name' | 'phone_number' | 'user_metadata';

/** Every {@link ProfileField}. */
export const PROFILE_FIELDS: readonly ProfileField[] = ['name', 'nickname', 'username', 'given_name', 'family_name', 'phone_number', 'user_metadata'];

/** A user as read (or as answered after a write), checked: every field as Auth0 sent it. */
export interface UserSnapshot {
  readonly userId: string;
  /** `{}` when the user has none. */
  readonly appMetadata: Record<string, unknown>;
  /** As sent: parse it with `parseIsoTime`. */
  readonly createdAt: unknown;
  /** As sent: parse it with `parseIsoTime`; absent until the password is first changed. */
  readonly lastPasswordReset: unknown;
  /** `[]` when not read. */
  readonly identities: readonly unknown[];
  /** As sent, when read (`email` among the fields): a string for a user who has one. */
  readonly email?: unknown;
  /** The {@link ProfileField}s among those read that Auth0 sent, as sent. */
  readonly profile?: Readonly<Partial<Record<ProfileField, unknown>>>;
}

/** One page of a user search. */
export interface UserSearchPage {
  readonly userIds: string[];
  /** How many users match in all (Auth0 returns at most the first 1000 of them). */
  readonly total: number;
}

/** A database connection as read, checked. */
export interface ConnectionSnapshot {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  /**
   * `options` as Auth0 sent it — absent (`undefined`) when the token lacks
   * `read:connections_options`: Auth0 then answers without it, which is not "no password policy".
   */
  readonly options: Record<string, unknown> | undefined;
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
   */
  revokeAccess(userId: string): Promise<void>;
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

/** A client keeps using its token until this close to its expiry (then the store's rules apply). */
const CURRENT_TOKEN_MARGIN_MS = 5_000;

/** The SDK's own timeout must never fire before ours: our budget covers retries and waits. */
const SDK_TIMEOUT_MARGIN_SECONDS = 30;

/** A value JSON-parsed from a token answer's body, or `undefined`. */
function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The claims of a JWT access token, or `{}` for an opaque one. */
function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  const claims = payload === undefined ? undefined : parseJson(Buffer.from(payload, 'base64url').toString('utf8'));
  return isRecord(claims) ? claims : {};
}

/** For a loopback tenant (a local stand-in), requests built as `https://host/…` go to its `http://` origin. */
function towardsOrigin(domain: TenantDomain, transport: typeof globalThis.fetch): typeof globalThis.fetch {
  const secureOrigin = `https://${domain.host}`;
  if (domain.origin === secureOrigin) return transport;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(`${secureOrigin}/`)) return transport(input, init);
    const target = `${domain.origin}${url.slice(secureOrigin.length)}`;
    return transport(input instanceof Request ? new Request(target, input) : target, init);
  };
}

/** Checks a user object from an answer; a string says what is wrong with it. */
function toSnapshot(answer: unknown, userId: string): UserSnapshot | string {
  if (!isRecord(answer)) return 'malformed answer: not a user object';
  const answeredId = answer['user_id'];
  if (answeredId !== undefined && answeredId !== userId) return 'malformed answer: it is about another user';
  const appMetadata = answer['app_metadata'] ?? {};
  if (!isRecord(appMetadata)) return 'malformed answer: app_metadata is not an object';
  const identities = answer['identities'] ?? [];
  if (!Array.isArray(identities)) return 'malformed answer: identities is not an array';
  return {
    userId,
    appMetadata,
    createdAt: answer['created_at'],
    lastPasswordReset: answer['last_password_reset'],
    identities,
    email: answer['email'],
    profile: Object.fromEntries(PROFILE_FIELDS.filter((field) => Object.hasOwn(answer, field)).map((field) => [field, answer[field]])),
  };
}

type SdkClient = InstanceType<Awaited<ReturnType<typeof loadAuth0Sdk>>['ManagementClient']>;

/** Opens the Management API client; the `auth0` SDK is loaded here, on first use. */
export async function openManagementClient(options: ManagementClientOptions): Promise<ManagementClient> {
  const { caller, domain, clientId, clientSecret, tokens, pacer, warn } = options;
  const { ManagementClient: SdkManagementClient } = await loadAuth0Sdk();
  const transport = towardsOrigin(domain, options.transport);
  let current: TokenRecord | undefined;
  let tokenOrigin: TokenOrigin | undefined;
  const secrets = () => [clientSecret, current?.token ?? '', ...(options.redact ?? [])];

  const requestDeadline = () =>
    Math.min(options.deadline ?? Number.POSITIVE_INFINITY, performance.now() + (options.requestBudgetMs ?? Number.POSITIVE_INFINITY));

  /** Token requests: paced never, and the first to meet a host that cannot be reached. */
  const newFetch = (paced: boolean, deadline: number, idempotent = true): RetryingFetch =>
    createRetryingFetch({
      transport,
      idempotent,
      requestTimeoutMs: options.requestTimeoutMs,
      deadline,
      maxAttempts: options.maxAttempts,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(paced && pacer !== undefined ? { beforeAttempt: () => pacer.acquire(), observe: (headers: Headers) => pacer.observe(headers) } : {}),
      ...(options.failFastWhenUnreachable === true ? { finalWhenUnreachable: paced ? FINAL_FOR_API : FINAL_FOR_TOKEN } : {}),
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

  /** `POST /oauth/token` (client credentials): the token, its scopes and its lifetime. */
  async function requestToken(): Promise<TokenRecord> {
    const retrying = newFetch(false, requestDeadline());
    let response: Response;
    try {
      response = await retrying.fetch(`https://${domain.host}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          audience: `https://${domain.host}/api/v2/`,
        }).toString(),
      });
    } catch (error) {
      throw fail('get token', undefined, retrying.record, error);
    }
    if (!response.ok) throw fail('get token', undefined, retrying.record, undefined);
    const answer = parseJson(retrying.record.body);
    const token = isRecord(answer) ? answer['access_token'] : undefined;
    if (typeof token !== 'string' || token.length === 0 || /\s/.test(token)) {
      throw fail('get token', undefined, retrying.record, undefined, 'malformed answer: no access_token');
    }
    const epochNow = Date.now();
    const { expires_in: expiresIn, scope: grantedScope } = answer as Record<string, unknown>;
    // The lifetime is `expires_in` (RFC 6749 §5.1), the scopes `scope`; a JWT's `exp` and `scope`
    // claims only when those are missing. A token of unknown lifetime serves this execution only.
    const claims = typeof expiresIn === 'number' && typeof grantedScope === 'string' ? {} : jwtClaims(token);
    const exp = claims['exp'];
    const expiresAt =
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
        ? epochNow + expiresIn * 1000
        : typeof exp === 'number' && Number.isFinite(exp)
          ? exp * 1000
          : 0;
    const scope = typeof grantedScope === 'string' ? grantedScope : claims['scope'];
    return { token, expiresAt, scopes: typeof scope === 'string' ? new Set(scope.split(' ').filter(Boolean)) : undefined };
  }

  async function obtainToken(refresh: boolean): Promise<TokenRecord> {
    if (refresh) tokens.forget();
    else if (current !== undefined && (current.expiresAt === 0 || current.expiresAt - CURRENT_TOKEN_MARGIN_MS > Date.now())) {
      // This client's own token serves its next call — one of unknown lifetime included — even when
      // too close to expiry to be shared with the next execution.
      return current;
    } else {
      const found = tokens.read(Date.now());
      if (found !== undefined) {
        current = found.record;
        tokenOrigin = found.origin;
        return found.record;
      }
    }
    // Concurrent executions of one instance share one token request.
    let request = tokens.pending;
    const own = request === undefined;
    if (request === undefined) {
      const started = requestToken();
      request = started;
      tokens.pending = started;
      started
        .finally(() => {
          if (tokens.pending === started) tokens.pending = undefined;
        })
        .catch(() => {});
    }
    const record = await request;
    if (own) {
      const warning = tokens.write(record, Date.now());
      if (warning !== undefined) warn?.('cache-write-failed', `api.cache.set failed (${warning}); token kept in memory only`);
    }
    current = record;
    tokenOrigin = 'token-endpoint';
    return record;
  }

  /**
   * One SDK call, with its own retrying transport; a rejected token is replaced once (a 401 did
   * nothing, so even a call that must not run twice may be sent again then).
   */
  async function call<T>(step: ManagementApiStep, subject: string | undefined, run: (client: SdkClient) => Promise<T>, idempotent = true): Promise<{ answer: T; record: AttemptRecord }> {
    await obtainToken(false);
    const attempt = async () => {
      const deadline = requestDeadline();
      const retrying = newFetch(true, deadline, idempotent);
      const sdkTimeout = Number.isFinite(deadline) ? Math.ceil((deadline - performance.now()) / 1000) : 3600;
      const client = new SdkManagementClient({
        domain: domain.host,
        token: () => current?.token ?? '',
        fetch: retrying.fetch,
        // Retries, timeouts and the deadline are ours (resilient-fetch.ts).
        maxRetries: 0,
        timeoutInSeconds: Math.max(1, sdkTimeout) + SDK_TIMEOUT_MARGIN_SECONDS,
      });
      try {
        return { answer: await run(client), record: retrying.record } as const;
      } catch (error) {
        return { error, record: retrying.record } as const;
      }
    };
    let result = await attempt();
    if ('error' in result && result.record.status === 401 && tokenOrigin !== 'token-endpoint') {
      // A token from memory or the cache that the API rejects (revoked, secret rotated): once more.
      await obtainToken(true);
      result = await attempt();
    }
    if ('error' in result) throw fail(step, subject, result.record, result.error);
    return result;
  }

  async function userCall(step: ManagementApiStep, userId: string, run: (client: SdkClient) => Promise<unknown>, idempotent = true): Promise<UserSnapshot> {
    const { answer, record } = await call(step, userId, run, idempotent);
    const snapshot = toSnapshot(answer, userId);
    if (typeof snapshot === 'string') throw fail(step, userId, record, undefined, snapshot);
    return snapshot;
  }

  /** Checks a job answer; a malformed one fails the step. */
  function toExportJob(answer: unknown, record: AttemptRecord, jobId: string | undefined): UsersExportJob {
    const malformed = (what: string) => fail('export users', undefined, record, undefined, `malformed answer: ${what}`);
    if (!isRecord(answer)) throw malformed('not a job');
    const { id, status, location, percentage_done: percentageDone, time_left_seconds: timeLeft, status_details: details } = answer;
    if (typeof id !== 'string' || id === '' || (jobId !== undefined && id !== jobId)) throw malformed('no job id, or another job\'s');
    if (typeof status !== 'string') throw malformed('no job status');
    if (location !== undefined && location !== null && typeof location !== 'string') throw malformed('location is not a string');
    const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
    const shown = typeof details === 'string' ? escapeControlCharacters(redact(details, secrets())).slice(0, MAX_STATUS_DETAILS) : undefined;
    return {
      id,
      status,
      location: typeof location === 'string' && location !== '' ? location : undefined,
      percentageDone: number(percentageDone),
      timeLeftSeconds: number(timeLeft),
      statusDetails: shown === '' ? undefined : shown,
    };
  }

  async function openDownload(location: string): Promise<ReadableStream<Uint8Array>> {
    const url = downloadUrl(location);
    const record: AttemptRecord = { attempts: 1, status: undefined, failure: undefined, gaveUp: undefined, body: undefined, unreachable: undefined };
    const refuse = (reason: string, host?: string) =>
      managementApiFailure({ caller, step: 'download export', userId: undefined, record: { ...record, failure: reason }, error: undefined, secrets: secrets(), hint: options.hint, ...(host === undefined ? {} : { host }) });
    if (url === undefined) throw refuse('malformed answer: the location is not an https URL');
    const abort = new AbortController();
    const timeoutMs = options.requestTimeoutMs;
    let timer = setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
    let response: Response;
    try {
      // No headers at all: the link carries its own signature, and the token must not go with it.
      response = await options.transport(url, { method: 'GET', redirect: 'error', signal: abort.signal });
    } catch (error) {
      record.unreachable = abort.signal.aborted ? undefined : unreachableCause(error);
      const redirected = /redirect/i.test(String((error as { cause?: { message?: unknown } }).cause?.message ?? ''));
      throw refuse(redirected ? 'redirect refused' : describeNetworkFailure(error, abort.signal.aborted, timeoutMs), url.host);
    } finally {
      clearTimeout(timer);
    }
    record.status = response.status;
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => {});
      // The body of a CDN's refusal is not Auth0's and may quote the signed link: never shown.
      throw refuse(response.ok ? 'malformed answer: no body' : `HTTP ${response.status}`);
    }
    const reader = response.body.getReader();
    const { status } = response;
    // Each piece of the body must arrive within the timeout (counted while reading, not while the
    // reader's consumer works): a stalled download ends, and the caller tries again.
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        timer = setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch {
          controller.error(refuse(abort.signal.aborted ? `the file stopped arriving for ${timeoutMs} ms (HTTP ${status})` : `the file broke off (HTTP ${status})`));
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
  }

  return {
    get tokenOrigin() {
      return tokenOrigin;
    },
    authenticate: () => obtainToken(false),
    readUser: (userId, fields) =>
      userCall('read user', userId, (client) =>
        client.users.get(userId, { fields: ['user_id', ...fields].join(','), include_fields: true }),
      ),
    updateAppMetadata: (userId, patch) =>
      userCall('update user', userId, (client) => client.users.update(userId, { app_metadata: patch })),
    setPassword: (userId, password, connection) =>
      userCall('set password', userId, (client) => client.users.update(userId, { password, connection }), false),
    async revokeAccess(userId) {
      await call('revoke sessions', userId, (client) => client.users.revokeAccess(userId, {}));
    },
    async searchUsers(query, page, perPage) {
      const { answer, record } = await call('search users', undefined, (client) =>
        client.users.list({
          q: query,
          search_engine: 'v3',
          page,
          per_page: perPage,
          include_totals: true,
          fields: 'user_id',
          include_fields: true,
        }),
      );
      const users: unknown = answer.data;
      const total = (answer.response as { total?: unknown } | undefined)?.total;
      if (!Array.isArray(users)) throw fail('search users', undefined, record, undefined, 'malformed answer: no list of users');
      // Without totals, "0 users" would look like an empty selection and end a run as a success.
      if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) {
        throw fail('search users', undefined, record, undefined, 'malformed answer: no total');
      }
      const userIds = users.flatMap((user) => (isRecord(user) && typeof user['user_id'] === 'string' ? [user['user_id']] : []));
      return { userIds, total };
    },
    async readConnection(name) {
      const { answer, record } = await call('read connection', name, (client) =>
        client.connections.list({ name, strategy: ['auth0'], fields: 'id,name,strategy,options', include_fields: true }),
      );
      const found: unknown = Array.isArray(answer.data) ? answer.data.find((connection) => isRecord(connection) && connection['name'] === name) : undefined;
      if (!isRecord(found) || typeof found['id'] !== 'string' || found['strategy'] !== 'auth0') {
        throw fail('read connection', name, record, undefined, Array.isArray(answer.data) ? 'no database connection has that name' : 'malformed answer: no list of connections');
      }
      const options = found['options'];
      if (options !== undefined && !isRecord(options)) throw fail('read connection', name, record, undefined, 'malformed answer: options is not an object');
      return { id: found['id'], name, strategy: 'auth0', options };
    },
    async createUsersExport(fields, connectionId) {
      const { answer, record } = await call('export users', undefined, (client) =>
        client.jobs.usersExports.create({
          format: 'json',
          fields: fields.map(({ name, exportAs }) => (exportAs === undefined ? { name } : { name, export_as: exportAs })),
          ...(connectionId === undefined ? {} : { connection_id: connectionId }),
        }),
      );
      return toExportJob(answer, record, undefined);
    },
    async readJob(jobId) {
      const { answer, record } = await call('export users', undefined, (client) => client.jobs.get(jobId));
      return toExportJob(answer, record, jobId);
    },
    downloadExport: (location) => openDownload(location),
  };
}

/** Longer than any status Auth0 writes; a failed job's details are shown to people. */
const MAX_STATUS_DETAILS = 200;

/** The export's location as a URL: `https:`, or `http:` for a loopback host only (a local tenant). */
function downloadUrl(location: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname) ? url : undefined;
}
