import { randomBytes } from 'node:crypto';
import type { Auth0Connection } from '../../auth0/common.js';
import type { MemoryCache } from '../memory-cache.js';
import type { TenantConnection } from './connection-store.js';
import { NOT_SHOWN, type Check } from '../../internal/check-options.js';
import { testingError } from '../testing-error.js';
import { isRecord } from '../../obligation/obligation.js';
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
export function requestFrom(hostname: string, language: string): { ip: string; hostname: string; user_agent: string; language: string } {
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

/**
 * `secrets` of the runners and of `bindActions`: an object of secret name → string. A value is never
 * quoted (it may be a secret), nor is a `secrets` that is not an object (it may be one secret).
 */
export const secretsCheck: Check<Readonly<Record<string, string | undefined>>> = (value, report) => {
  if (!isRecord(value)) return report('must be an object of secret name → string', NOT_SHOWN);
  for (const [name, secret] of Object.entries(value)) {
    if (secret !== undefined && typeof secret !== 'string') report('must be a string (the value is not shown)', NOT_SHOWN, [name]);
  }
};

/** A host the tenant answers sign-ins on: its domain, or its custom domain. */
export function hostnameCheck(context: Pick<TriggerContext, 'domain' | 'customDomain'>): Check<string> {
  const hosts = [context.domain, ...(context.customDomain === undefined ? [] : [context.customDomain])];
  const expected = `must be the tenant's domain or its customDomain: ${hosts.map((host) => JSON.stringify(host)).join(' or ')}`;
  return (value, report) => {
    if (typeof value !== 'string' || !hosts.includes(value)) report(expected, value);
  };
}

/** The user with this id, or an error naming the runner. */
export function requireUser(where: string, users: UserRecords, userId: string): TenantUser {
  const user = typeof userId === 'string' ? users.get(userId) : undefined;
  if (user === undefined) throw testingError(where, `no user has the id ${JSON.stringify(userId)}`);
  return user;
}
