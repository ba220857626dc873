/**
 * Shapes shared by the Auth0 Actions triggers this library handles.
 *
 * Written from Auth0's public reference (auth0.com/docs/customize/actions/explore-triggers/…, the
 * event and api object pages of each trigger) and checked against the type declarations Auth0
 * publishes for Actions. A field is optional here exactly where Auth0 documents it as optional or
 * absent in some flows. Unions of values that Auth0 extends over time (strategies, protocols, method
 * names, risk codes) stay open — `| (string & {})` — so a new value never breaks a build, while the
 * known ones still complete in the editor.
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
  /**
   * The identity provider: `auth0` for database connections; for social connections the provider
   * (`google-oauth2`, equal to the name); for enterprise ones `samlp`, `waad`, `ad`, `oidc`, ….
   */
  strategy: string;
  /** Metadata the administrator set on the connection. */
  metadata?: Record<string, string>;
}

/** `event.tenant`. */
export interface Auth0Tenant {
  /** The tenant's name, e.g. `acme-prod`. */
  id: string;
}

/** `event.custom_domain`: present when the transaction runs on one of the tenant's custom domains. */
export interface Auth0CustomDomain {
  /** The custom domain, e.g. `login.acme.example`. */
  domain: string;
  /** Metadata the administrator set on the custom domain. */
  domain_metadata: Record<string, string>;
}

/** `event.request.geoip`: where the request came from, as far as Auth0 can tell. */
export interface Auth0GeoIp {
  cityName?: string;
  continentCode?: string;
  /** ISO 3166-1 alpha-2, e.g. `FR`. */
  countryCode?: string;
  /** ISO 3166-1 alpha-3, e.g. `FRA`. */
  countryCode3?: string;
  countryName?: string;
  latitude?: number;
  longitude?: number;
  subdivisionCode?: string;
  subdivisionName?: string;
  /** An IANA time zone, e.g. `Europe/Paris`. */
  timeZone?: string;
  /** Auth0 may add fields. */
  [field: string]: unknown;
}

/**
 * `event.secrets`: the Action's secrets, by name. A secret that was never set reads as `undefined`,
 * so a handler has to check before it uses one.
 */
export type Auth0Secrets = Record<string, string | undefined>;

/**
 * `event.configuration`: the Action's non-secret configuration values, by name (Auth0 documents it
 * as reserved for Actions installed from the Marketplace).
 */
export type Auth0Configuration = Record<string, string | undefined>;

/**
 * The supplemental risk signals Akamai forwards (Early Access, only with Akamai Bot Manager or
 * Account Protector in front of the tenant). Every field is optional and may grow.
 */
export interface Auth0AkamaiSignals {
  /** Bot Manager's verdict. */
  akamaiBot?: {
    type?: string;
    action?: string;
    botCategory?: string[];
    botScore?: number;
    botScoreResponseSegment?: string;
    botnetId?: string;
  };
  /** Account Protector's verdict. */
  akamaiUserRisk?: {
    action?: string;
    allow?: number;
    emailDomain?: string;
    general?: Record<string, unknown>;
    ouid?: string;
    requestid?: string;
    risk?: Record<string, unknown>;
    score?: number;
    status?: number;
    trust?: Record<string, unknown>;
    username?: string;
    uuid?: string;
  };
  [signal: string]: unknown;
}

/** One entry returned by `api.cache.get`. */
export interface Auth0CacheEntry {
  /** The stored string. */
  value: string;
  /** When the entry expires, in milliseconds since the epoch. */
  expires_at: number;
}

/** Options for `api.cache.set`. Both are in MILLISECONDS; when both are given the earlier expiry wins. */
export interface Auth0CacheSetOptions {
  /** Lifetime in milliseconds (default 15 minutes, at most 24 hours). */
  ttl?: number;
  /** Absolute expiry in milliseconds since the epoch. */
  expires_at?: number;
}

/** Why `api.cache.set` or `api.cache.delete` failed, as Auth0 names it. */
export type Auth0CacheErrorCode =
  | 'MaxSideEffectsExceeded'
  | 'CacheKeySizeExceeded'
  | 'CacheValueSizeExceeded'
  | 'CacheSizeExceeded'
  | 'ItemAlreadyExpired'
  | 'InvalidExpiry'
  | 'FailedToSetCacheRecord'
  | 'FailedToDeleteCacheRecord'
  | 'CacheKeyDoesNotExist'
  | (string & {});

/** A failed `api.cache.set` or `api.cache.delete`. */
export interface Auth0CacheError {
  type: 'error';
  code: Auth0CacheErrorCode;
}

/** The result of `api.cache.set`. */
export type Auth0CacheWriteResult = { type: 'success'; record: Auth0CacheEntry } | Auth0CacheError;

/** The result of `api.cache.delete`. */
export type Auth0CacheDeleteResult = { type: 'success' } | Auth0CacheError;

/**
 * `api.cache`: a small key-value store shared by the executions of one trigger. Entries can
 * vanish at any time; at most 20 entries, keys up to 64 bytes, values up to 4 kB.
 */
export interface Auth0Cache {
  /** The entry stored under `key`, if it exists and has not expired. */
  get(key: string): Auth0CacheEntry | undefined;
  /** Stores a string; `options.ttl` and `options.expires_at` are in milliseconds. */
  set(key: string, value: string, options?: Auth0CacheSetOptions): Auth0CacheWriteResult;
  /** Removes the entry stored under `key`, if any. */
  delete(key: string): Auth0CacheDeleteResult;
}
