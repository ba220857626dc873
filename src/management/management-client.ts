import type { ManagementApiStep } from '../errors/management-api-error.js';
import { isRecord } from '../obligation/obligation.js';
import type { TenantDomain } from './domain.js';
import { loadAuth0Sdk } from './load-auth0-sdk.js';
import { managementApiFailure, type FailureHint } from './management-api-failure.js';
import type { RequestPacer } from './request-pacer.js';
import { createRetryingFetch, type AttemptRecord, type RetryingFetch } from './resilient-fetch.js';
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
}

/** The fields of a user the library reads. */
export type UserField = 'app_metadata' | 'created_at' | 'last_password_reset' | 'identities';

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
}

/** One page of a user search. */
export interface UserSearchPage {
  readonly userIds: string[];
  /** How many users match in all (Auth0 returns at most the first 1000 of them). */
  readonly total: number;
}

export interface ManagementClient {
  /** Gets a token now (so that wrong credentials stop a run before anything is read). */
  authenticate(): Promise<TokenRecord>;
  readUser(userId: string, fields: readonly UserField[]): Promise<UserSnapshot>;
  /** Merges `patch` into `app_metadata` (top-level keys; the others are kept); returns the user after. */
  updateAppMetadata(userId: string, patch: Record<string, unknown>): Promise<UserSnapshot>;
  /** Sets the user's password on `connection`; returns the user after (with `last_password_reset`). */
  setPassword(userId: string, password: string, connection: string): Promise<UserSnapshot>;
  /** One page of `GET /api/v2/users?q=…&search_engine=v3`, user ids only. */
  searchUsers(query: string, page: number, perPage: number): Promise<UserSearchPage>;
  /** Where the token in use came from, once one was needed. */
  readonly tokenOrigin: TokenOrigin | undefined;
}

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

  const newFetch = (paced: boolean, deadline: number): RetryingFetch =>
    createRetryingFetch({
      transport,
      requestTimeoutMs: options.requestTimeoutMs,
      deadline,
      maxAttempts: options.maxAttempts,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(paced && pacer !== undefined ? { beforeAttempt: () => pacer.acquire(), observe: (headers: Headers) => pacer.observe(headers) } : {}),
    });

  const fail = (step: ManagementApiStep, userId: string | undefined, record: AttemptRecord, error: unknown, malformed?: string) =>
    managementApiFailure({ caller, step, userId, record, error, ...(malformed === undefined ? {} : { malformed }), secrets: secrets(), hint: options.hint });

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

  /** One SDK call, with its own retrying transport; a rejected token is replaced once. */
  async function call<T>(step: ManagementApiStep, userId: string | undefined, run: (client: SdkClient) => Promise<T>): Promise<{ answer: T; record: AttemptRecord }> {
    await obtainToken(false);
    const attempt = async () => {
      const deadline = requestDeadline();
      const retrying = newFetch(true, deadline);
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
    if ('error' in result) throw fail(step, userId, result.record, result.error);
    return result;
  }

  async function userCall(step: ManagementApiStep, userId: string, run: (client: SdkClient) => Promise<unknown>): Promise<UserSnapshot> {
    const { answer, record } = await call(step, userId, run);
    const snapshot = toSnapshot(answer, userId);
    if (typeof snapshot === 'string') throw fail(step, userId, record, undefined, snapshot);
    return snapshot;
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
      userCall('set password', userId, (client) => client.users.update(userId, { password, connection })),
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
  };
}
