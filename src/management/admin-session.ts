import type { ManagementApiStep } from '../errors/management-api-error.js';
import { managementApiFailure, statusOf } from './management-api-failure.js';
import { loadAuth0Sdk } from './management-session.js';
import { createRequestPacer } from './request-pacer.js';
import { createResilientFetch, type ResilientFetch } from './resilient-fetch.js';

/** What the administrator tools need to talk to the Management API for a whole run. */
export interface AdminSessionOptions {
  /** The public function on whose behalf the session works, for messages: `requirePasswordChange`. */
  caller: string;
  /** The canonical tenant domain (host[:port]). */
  domain: string;
  clientId: string;
  clientSecret: string;
  transport: typeof globalThis.fetch;
  /** Management API requests per second. Token requests (Authentication API) are not paced. */
  rate: number;
  requestTimeoutMs: number;
  maxAttempts: number;
  /** How long one request may take in all, its retries and rate-limit waits included. */
  requestBudgetMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Values that must never appear in an error message, such as a temporary password. */
  redact: readonly string[];
}

/** What the tools read of a user. */
export interface AdminUser {
  userId: string;
  /** `identities[0].provider`: `auth0` for a database-connection user. */
  provider: string | undefined;
  /** `identities[0].connection`: the connection name. */
  connection: string | undefined;
  appMetadata: Record<string, unknown>;
  /** ISO 8601, absent when the password was never set or changed after creation. */
  lastPasswordReset: string | undefined;
}

/** One page of a user search. */
export interface UserSearchPage {
  userIds: string[];
  /** How many users match in all (Auth0 returns at most the first 1000 of them). */
  total: number;
}

/** A Management API session for a run of the administrator tools. Calls must be sequential. */
export interface AdminSession {
  /** Gets the token now, so that wrong credentials stop a run before any user is touched. */
  authenticate(): Promise<void>;
  readUser(userId: string): Promise<AdminUser>;
  /** Sets the user's password; returns the `last_password_reset` the API answered with, if any. */
  setPassword(userId: string, password: string, connection: string): Promise<string | undefined>;
  /** Merges `patch` into `app_metadata` (top-level keys only; the others are kept). */
  updateAppMetadata(userId: string, patch: Record<string, unknown>): Promise<void>;
  /** One page of `GET /api/v2/users?q=…&search_engine=v3`, user ids only. */
  searchUsers(query: string, page: number, perPage: number): Promise<UserSearchPage>;
  /** Milliseconds spent waiting to stay under the rate limit. */
  readonly pacedMs: number;
}

function hintFor(step: ManagementApiStep, status: number | undefined): string {
  if (step === 'get token' && (status === 401 || status === 403)) {
    return ' — check the client id and secret, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)';
  }
  if (status === 403) return ' — grant the application the read:users and update:users scopes';
  if (status === 404 && step !== 'get token' && step !== 'search users') return ' — no such user';
  if (status === 400 && step === 'search users') return ' — check the query (Lucene syntax, user search v3)';
  if (status === 429) return ' — the tenant rate limit: run again later, or with a lower rate';
  return '';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The SDK's own timeout must never fire before ours: our budget covers retries and waits. */
const SDK_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * Opens a Management API session for a run of the administrator tools: the `auth0` SDK (client
 * credentials, users API) over our transport, which times out each attempt, retries 429/5xx and
 * dropped connections honouring `retry-after`, and paces every request to the configured rate.
 * One token serves the whole run; a token the API rejects (rotated secret) is replaced once.
 */
export async function openAdminSession(options: AdminSessionOptions): Promise<AdminSession> {
  const { caller, domain, clientId, clientSecret, sleep } = options;
  const { ManagementClient, TokenProvider } = await loadAuth0Sdk();
  const pacer = createRequestPacer({ rate: options.rate, clock: () => performance.now(), epochNow: Date.now, sleep });

  const observingTransport: typeof globalThis.fetch = async (input, init) => {
    const response = await options.transport(input, init);
    pacer.observe(response.headers);
    return response;
  };
  const newResilientFetch = (paced: boolean): ResilientFetch =>
    createResilientFetch({
      transport: paced ? observingTransport : options.transport,
      requestTimeoutMs: options.requestTimeoutMs,
      deadline: Date.now() + options.requestBudgetMs,
      maxAttempts: options.maxAttempts,
      sleep: paced
        ? async (ms) => {
            await sleep(ms);
            await pacer.acquire();
          }
        : sleep,
    });

  // The SDK keeps the fetch it is given; each request gets a fresh deadline through this holder.
  let active = newResilientFetch(true);
  let activeToken = newResilientFetch(false);
  let token = '';
  let tokenIsFresh = false;
  const newTokenProvider = () =>
    new TokenProvider({
      domain,
      clientId,
      clientSecret,
      audience: `https://${domain}/api/v2/`,
      fetch: (input, init) => activeToken.fetch(input, init),
    });
  let tokens = newTokenProvider();

  const client = new ManagementClient({
    domain,
    token: () => token,
    fetch: (input, init) => active.fetch(input, init),
    maxRetries: 0,
    timeoutInSeconds: Math.ceil(options.requestBudgetMs / 1000) + SDK_TIMEOUT_MARGIN_SECONDS,
  });

  const fail = (step: ManagementApiStep, subject: string, error: unknown, used: ResilientFetch) =>
    managementApiFailure({
      caller,
      step,
      subject,
      error,
      outcome: used.lastOutcome(),
      secrets: [clientSecret, token, ...options.redact],
      hint: hintFor,
    });

  async function obtainToken(refresh: boolean): Promise<void> {
    if (refresh) tokens = newTokenProvider();
    activeToken = newResilientFetch(false);
    const previous = token;
    try {
      token = await tokens.getAccessToken();
    } catch (error) {
      throw fail('get token', '', error, activeToken);
    }
    tokenIsFresh = token !== previous;
  }

  /** One SDK call, paced and retried; a rejected token is replaced once. */
  async function call<T>(step: ManagementApiStep, subject: string, request: () => Promise<T>): Promise<T> {
    await obtainToken(false);
    const attempt = async () => {
      active = newResilientFetch(true);
      await pacer.acquire();
      return request();
    };
    try {
      return await attempt();
    } catch (error) {
      if (statusOf(error) !== 401 || tokenIsFresh) throw fail(step, subject, error, active);
    }
    await obtainToken(true);
    try {
      return await attempt();
    } catch (error) {
      throw fail(step, subject, error, active);
    }
  }

  return {
    get pacedMs() {
      return pacer.waitedMs;
    },
    authenticate: () => obtainToken(false),
    async readUser(userId) {
      const user: unknown = await call('read user', userId, () =>
        client.users.get(userId, {
          fields: 'user_id,identities,app_metadata,last_password_reset',
          include_fields: true,
        }),
      );
      const record = isRecord(user) ? user : {};
      const identities = Array.isArray(record['identities']) ? (record['identities'] as unknown[]) : [];
      const primary = isRecord(identities[0]) ? identities[0] : {};
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      return {
        userId,
        provider: text(primary['provider']),
        connection: text(primary['connection']),
        appMetadata: isRecord(record['app_metadata']) ? record['app_metadata'] : {},
        lastPasswordReset: text(record['last_password_reset']),
      };
    },
    async setPassword(userId, password, connection) {
      const user: unknown = await call('set password', userId, () =>
        client.users.update(userId, { password, connection }),
      );
      const changed = isRecord(user) ? user['last_password_reset'] : undefined;
      return typeof changed === 'string' ? changed : undefined;
    },
    async updateAppMetadata(userId, patch) {
      await call('update user', userId, () => client.users.update(userId, { app_metadata: patch }));
    },
    async searchUsers(query, page, perPage) {
      const result = await call('search users', '', () =>
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
      const userIds = result.data.flatMap((user) => (typeof user.user_id === 'string' ? [user.user_id] : []));
      const total = (result.response as { total?: unknown }).total;
      return { userIds, total: typeof total === 'number' ? total : userIds.length };
    },
  };
}
