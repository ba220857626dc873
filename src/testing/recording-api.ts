import type { MetadataValue } from '../auth0/common.js';
import type { PostChangePasswordApi } from '../auth0/post-change-password.js';
import type { PostLoginApi } from '../auth0/post-login.js';
import { createMemoryCache, type MemoryCache } from './memory-cache.js';

/** A post-login `api` that records what a handler asked of it. */
export interface RecordingPostLoginApi extends PostLoginApi {
  cache: MemoryCache;
  /** The reason of the first `api.access.deny` call, or `undefined` when the login was not denied. */
  readonly deniedWith: string | undefined;
  /** Every `api.access.deny` reason, in order (a handler should call it at most once). */
  readonly denials: readonly string[];
  /** Every `api.user.setAppMetadata(key, value)` call, in order. */
  readonly appMetadataWrites: ReadonlyArray<readonly [key: string, value: MetadataValue | undefined]>;
  /** The `app_metadata` changes Auth0 would save at the end of the trigger (last write per key wins). */
  readonly pendingAppMetadata: Readonly<Record<string, MetadataValue | undefined>>;
  /** Every `api.user.setUserMetadata` call, in order. */
  readonly userMetadataWrites: ReadonlyArray<readonly [key: string, value: MetadataValue | undefined]>;
}

/** Options of {@link createPostLoginApi} and {@link createPostChangePasswordApi}. */
export interface RecordingApiOptions {
  /** The `api.cache`; share one between calls to model one trigger's cache. Default: a new one. */
  cache?: MemoryCache;
}

/**
 * Creates a post-login `api` that records denials and metadata writes, with an `api.cache` that
 * keeps Auth0's limits.
 *
 * @example
 * ```ts
 * const api = createPostLoginApi();
 * await onExecutePostLogin(buildPostLoginEvent({ stats: { logins_count: 1 } }), api);
 * expect(api.deniedWith).toBe('Please reset your password!');
 * ```
 */
export function createPostLoginApi(options: RecordingApiOptions = {}): RecordingPostLoginApi {
  const denials: string[] = [];
  const appMetadataWrites: Array<readonly [string, MetadataValue | undefined]> = [];
  const userMetadataWrites: Array<readonly [string, MetadataValue | undefined]> = [];
  const api: RecordingPostLoginApi = {
    cache: options.cache ?? createMemoryCache(),
    access: {
      deny(reason) {
        denials.push(reason);
        return api;
      },
    },
    user: {
      setAppMetadata(key, value) {
        appMetadataWrites.push([key, structuredClone(value)]);
        return api;
      },
      setUserMetadata(key, value) {
        userMetadataWrites.push([key, structuredClone(value)]);
        return api;
      },
    },
    idToken: { setCustomClaim: () => api },
    accessToken: { setCustomClaim: () => api },
    multifactor: { enable: () => api },
    redirect: { sendUserTo: () => api },
    get deniedWith() {
      return denials[0];
    },
    get denials() {
      return [...denials];
    },
    get appMetadataWrites() {
      return [...appMetadataWrites];
    },
    get pendingAppMetadata() {
      return Object.fromEntries(appMetadataWrites);
    },
    get userMetadataWrites() {
      return [...userMetadataWrites];
    },
  };
  return api;
}

/** A post-change-password `api`: only `api.cache`, as in Auth0. */
export interface RecordingPostChangePasswordApi extends PostChangePasswordApi {
  cache: MemoryCache;
}

/** Creates a post-change-password `api` whose cache keeps Auth0's limits and can be inspected. */
export function createPostChangePasswordApi(options: RecordingApiOptions = {}): RecordingPostChangePasswordApi {
  return { cache: options.cache ?? createMemoryCache() };
}
