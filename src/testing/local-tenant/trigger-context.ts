import { randomBytes } from 'node:crypto';
import type { Auth0Connection } from '../../auth0/common.js';
import type { MemoryCache } from '../memory-cache.js';
import type { TenantConnection } from './connection-store.js';
import { testingError, testingTypeError } from '../testing-error.js';
import { isPlainObject } from '../metadata.js';
import type { TenantUser, UserRecords } from './user-store.js';

/** What the trigger runners of a local tenant work with. */
export interface TriggerContext {
  /** `127.0.0.1:<port>`: the tenant's domain, and `event.request.hostname` unless a login is on the custom domain. */
  readonly domain: string;
  /** The host name of the tenant's custom domain, if it has one: users may sign in there too. */
  readonly customDomain?: string | undefined;
  /** `event.tenant.id`. */
  readonly tenantId: string;
  /** `event.client.client_id`: the tenant's one application. */
  readonly appClientId: string;
  readonly users: UserRecords;
  /** The trigger's `api.cache`, shared by every run of that trigger on the tenant. */
  readonly cache: MemoryCache;
  /**
   * The transport the runners put on the `api` they hand to handlers (`tenant.fetch`): a handler of
   * this library without a `fetch` option of its own reaches this tenant, and nothing else.
   */
  readonly fetch: typeof globalThis.fetch;
}

/** `event.tenant.id` of every local tenant. */
export const LOCAL_TENANT_ID = 'local';

/** The `event.request` fields both triggers share: a browser on the same machine, on `hostname`. */
export function requestFrom(hostname: string, language: string) {
  return {
    ip: '127.0.0.1',
    hostname,
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    language,
  };
}

/** An id in the shape Auth0 uses for transactions and sessions: a prefix and random letters. */
export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** `event.connection`, a fresh copy. */
export function connectionView({ id, name, strategy }: TenantConnection): Auth0Connection {
  return { id, name, strategy };
}

/** Refuses options the runner does not know, naming the known ones; never changes the caller's object. */
export function requireOptions<Options extends object>(
  where: string,
  options: Options | undefined,
  known: readonly string[],
): Options {
  if (options === undefined) return {} as Options;
  if (!isPlainObject(options)) throw testingTypeError(where, `"options" must be an object (got ${describe(options)})`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw testingTypeError(where, `unknown option "options.${key}"; the options are ${known.join(', ')}`);
    }
  }
  return options;
}

/** Checks `options.secrets` and returns a copy, so a handler cannot change the caller's object. */
export function requireSecrets(
  where: string,
  secrets: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  if (!isPlainObject(secrets) || !Object.values(secrets).every((value) => value === undefined || typeof value === 'string')) {
    throw testingTypeError(where, '"options.secrets" must be an object of secret name → string');
  }
  return { ...secrets };
}

/** The user with this id, or an error naming the runner. */
export function requireUser(where: string, users: UserRecords, userId: string): TenantUser {
  const user = typeof userId === 'string' ? users.get(userId) : undefined;
  if (user === undefined) throw testingError(where, `no user has the id ${JSON.stringify(userId)}`);
  return user;
}

/** A short description of a value for an error message; never a long dump. */
export function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
