/**
 * Shapes shared by the Auth0 Actions triggers this library handles.
 *
 * Field lists follow Auth0's event and api object references
 * (auth0.com/docs/customize/actions/explore-triggers/…); a field is optional here
 * exactly where Auth0 documents it as optional or absent in some flows.
 */

/** A JSON-compatible value as stored in `app_metadata`. */
export type MetadataValue =
  | string
  | number
  | boolean
  | null
  | MetadataValue[]
  | { [key: string]: MetadataValue };

/** `event.connection`: the connection the user authenticated with or changed the password on. */
export interface Auth0Connection {
  /** The connection's id, e.g. `con_fpe5kj482KO1eOzn`. */
  id: string;
  /** The connection's name, e.g. `Username-Password-Authentication`. */
  name: string;
  /** The identity provider; `auth0` for database connections. */
  strategy: string;
  /** Metadata the administrator set on the connection. */
  metadata?: Record<string, string>;
}

/** `event.tenant`. */
export interface Auth0Tenant {
  /** The tenant's name, e.g. `acme-prod`. */
  id: string;
}

/** One entry returned by `api.cache.get`. */
export interface Auth0CacheEntry {
  /** The stored string. */
  value: string;
  /** When the entry expires, in milliseconds since the epoch. */
  expires_at: number;
}

/** Options for `api.cache.set`. Both are in MILLISECONDS. */
export interface Auth0CacheSetOptions {
  /** Lifetime in milliseconds (default 15 minutes, at most 24 hours). */
  ttl?: number;
  /** Absolute expiry in milliseconds since the epoch. */
  expires_at?: number;
}

/** The result of `api.cache.set` / `api.cache.delete`. */
export type Auth0CacheWriteResult =
  | { type: 'success'; record: Auth0CacheEntry }
  | { type: 'error'; code: string };

/**
 * `api.cache`: a small key-value store shared by the executions of one trigger. Entries can
 * vanish at any time; at most 20 entries, keys up to 64 bytes, values up to 4 kB.
 */
export interface Auth0Cache {
  get(key: string): Auth0CacheEntry | undefined;
  set(key: string, value: string, options?: Auth0CacheSetOptions): Auth0CacheWriteResult;
  delete(key: string): Auth0CacheWriteResult;
}
