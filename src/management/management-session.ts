import type { Auth0Cache } from '../auth0/common.js';
import type { ManagementApiStep } from '../errors/management-api-error.js';
import { managementApiFailure, statusOf } from './management-api-failure.js';
import { createResilientFetch } from './resilient-fetch.js';
import {
  deleteCachedToken,
  isFresh,
  readCachedToken,
  readJwtExpiry,
  tokenCacheKey,
  writeCachedToken,
  type TokenRecord,
} from './token-cache.js';

type Auth0Sdk = typeof import('auth0');

let sdk: Promise<Auth0Sdk> | undefined;

/**
 * Loads the `auth0` SDK on first use. It costs about half a second in a fresh process, which the
 * post-login gate must never pay: only the clearer calls this.
 */
export function loadAuth0Sdk(): Promise<Auth0Sdk> {
  // A CommonJS Action (as Auth0 runs them) gets auth0's CommonJS build through require; the ESM
  // build of this package imports auth0's ESM build.
  const commonJsModule = typeof module === 'object' ? (module as { require?: (id: string) => unknown }) : undefined;
  sdk ??= (
    typeof commonJsModule?.require === 'function'
      ? Promise.resolve(commonJsModule.require('auth0') as Auth0Sdk)
      : import('auth0')
  ).catch(
    (error: unknown) => {
      sdk = undefined;
      throw error;
    },
  );
  return sdk;
}

/** Tokens kept by one clearer across executions of an Action instance (module scope). */
export type TokenMemo = Map<string, TokenRecord>;

export interface ManagementSessionOptions {
  domain: string;
  clientId: string;
  clientSecret: string;
  transport: typeof globalThis.fetch;
  requestTimeoutMs: number;
  /** Epoch ms: the whole execution ends by then. */
  deadline: number;
  maxAttempts: number;
  cache: Auth0Cache | undefined;
  memo: TokenMemo;
  /** Reports a problem that does not stop the work (e.g. a failed cache write). */
  warn: (reason: string, detail: string) => void;
}

/** Where the token of an execution came from; for the log and the tests. */
export type TokenSource = 'memory' | 'cache' | 'token-endpoint';

export interface ManagementSession {
  /** Reads the user's `app_metadata`. */
  readAppMetadata(userId: string): Promise<Record<string, unknown>>;
  /**
   * Merges `patch` into the user's `app_metadata` (top-level keys only; others are kept) and returns
   * the `app_metadata` the API answered with, after the write.
   */
  updateAppMetadata(userId: string, patch: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Where this execution's token came from, once one was needed. */
  readonly tokenSource: TokenSource | undefined;
}

function hintFor(step: ManagementApiStep, status: number | undefined): string {
  if (step === 'get token' && (status === 401 || status === 403)) {
    return ' — check the client id and secret in the Action secrets, and that the application is authorized for the Management API of this domain';
  }
  if (status === 403) return ' — grant the application the read:users and update:users scopes';
  if (status === 404 && step !== 'get token') return ' — no such user';
  return '';
}

/**
 * Opens a Management API session for one clearer execution: the `auth0` SDK for the token
 * (client credentials) and the users API, with our timeouts, retries and deadline underneath, and
 * the token reused across executions (module scope) and instances (`api.cache`).
 */
export async function openManagementSession(options: ManagementSessionOptions): Promise<ManagementSession> {
  const { domain, clientId, clientSecret, cache, memo, warn } = options;
  const { ManagementClient, TokenProvider } = await loadAuth0Sdk();
  const http = createResilientFetch({
    transport: options.transport,
    requestTimeoutMs: options.requestTimeoutMs,
    deadline: options.deadline,
    maxAttempts: options.maxAttempts,
  });
  const cacheKey = tokenCacheKey(clientId);
  const memoKey = `${domain}\n${clientId}`;
  let current: TokenRecord | undefined;
  let tokenSource: TokenSource | undefined;

  const fail = (step: ManagementApiStep, userId: string, error: unknown) =>
    managementApiFailure({
      caller: 'createPasswordResetClearer',
      step,
      subject: userId,
      error,
      outcome: http.lastOutcome(),
      secrets: [clientSecret, current?.token ?? ''],
      hint: hintFor,
    });

  async function obtainToken(userId: string, refresh: boolean): Promise<string> {
    const now = Date.now();
    if (refresh) {
      memo.delete(memoKey);
      deleteCachedToken(cache, cacheKey);
    } else {
      const remembered = memo.get(memoKey);
      if (isFresh(remembered, now)) {
        tokenSource = 'memory';
        current = remembered;
        return remembered.token;
      }
      const cached = readCachedToken(cache, cacheKey, now);
      if (cached !== undefined) {
        memo.set(memoKey, cached);
        tokenSource = 'cache';
        current = cached;
        return cached.token;
      }
    }
    const provider = new TokenProvider({
      domain,
      clientId,
      clientSecret,
      audience: `https://${domain}/api/v2/`,
      fetch: http.fetch,
    });
    let token: string;
    try {
      token = await provider.getAccessToken();
    } catch (error) {
      throw fail('get token', userId, error);
    }
    tokenSource = 'token-endpoint';
    const expiresAt = readJwtExpiry(token);
    // A token whose lifetime cannot be read is used for this execution only.
    current = { token, expiresAt: expiresAt ?? 0 };
    if (expiresAt !== undefined) {
      memo.set(memoKey, current);
      const failure = writeCachedToken(cache, cacheKey, current, Date.now());
      if (failure !== undefined) warn('cache-write-failed', `api.cache.set failed (${failure}); token kept in memory only`);
    }
    return token;
  }

  let tokenForRequests = '';
  const client = new ManagementClient({
    domain,
    token: () => tokenForRequests,
    fetch: http.fetch,
    // Retries, timeouts and the deadline are ours (see resilient-fetch.ts).
    maxRetries: 0,
    timeoutInSeconds: 60,
  });

  /** Runs a users-API call; a rejected token (revoked, rotated) is replaced once. */
  async function withToken<T>(step: ManagementApiStep, userId: string, call: () => Promise<T>): Promise<T> {
    tokenForRequests = await obtainToken(userId, false);
    try {
      return await call();
    } catch (error) {
      if (statusOf(error) !== 401 || tokenSource === 'token-endpoint') throw fail(step, userId, error);
    }
    tokenForRequests = await obtainToken(userId, true);
    try {
      return await call();
    } catch (error) {
      throw fail(step, userId, error);
    }
  }

  return {
    get tokenSource() {
      return tokenSource;
    },
    async readAppMetadata(userId) {
      const user = await withToken('read user', userId, () =>
        client.users.get(userId, { fields: 'user_id,app_metadata', include_fields: true }),
      );
      const appMetadata = (user as { app_metadata?: unknown }).app_metadata;
      return typeof appMetadata === 'object' && appMetadata !== null && !Array.isArray(appMetadata)
        ? (appMetadata as Record<string, unknown>)
        : {};
    },
    async updateAppMetadata(userId, patch) {
      const user = await withToken('update user', userId, () => client.users.update(userId, { app_metadata: patch }));
      const appMetadata = (user as { app_metadata?: unknown } | undefined)?.app_metadata;
      return typeof appMetadata === 'object' && appMetadata !== null && !Array.isArray(appMetadata)
        ? (appMetadata as Record<string, unknown>)
        : {};
    },
  };
}
