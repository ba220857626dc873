import type { Fault } from './fault-injector.js';

/** Every {@link TenantRoute}, in the order {@link RequestCounts} lists them. */
export const TENANT_ROUTES = [
  'token', 'getUser', 'patchUser', 'listUsers', 'getConnection', 'listConnections', 'createUsersExport', 'getJob',
  'downloadExport', 'resetEmail', 'authorize', 'continue', 'userinfo', 'listSessions', 'revokeAccess', 'deleteSessions',
  'deleteRefreshTokens', 'other',
] as const;

/**
 * The endpoints the local tenant tells apart. `token` is `POST /oauth/token`, `getUser` and `patchUser`
 * are `GET` and `PATCH /api/v2/users/{id}`, `listUsers` is `GET /api/v2/users` (list and search),
 * `getConnection` and `listConnections` are `GET /api/v2/connections/{id}` and `GET /api/v2/connections`,
 * `createUsersExport` and `getJob` are `POST /api/v2/jobs/users-exports` and `GET /api/v2/jobs/{id}`,
 * `downloadExport` is the `GET` of an export's file on the download host, `resetEmail` is the
 * Authentication API's `POST /dbconnections/change_password`, `authorize`, `continue` and
 * `userinfo` are the sign-in a browser goes through (`GET`/`POST /authorize`, `GET`/`POST
 * /continue`, `GET /userinfo`; the code grant counts as `token`), `listSessions` is `GET
 * /api/v2/users/{id}/sessions`, `revokeAccess`, `deleteSessions` and `deleteRefreshTokens` are `POST
 * /api/v2/users/{id}/revoke-access`, `DELETE /api/v2/users/{id}/sessions` and `DELETE
 * /api/v2/users/{id}/refresh-tokens`, and `other` is everything else (answered with 404).
 *
 * @example
 * ```ts
 * const route: TenantRoute = 'getConnection';
 * expect(tenant.counts()[route]).toBe(1);
 * ```
 */
export type TenantRoute = (typeof TENANT_ROUTES)[number];

/**
 * The bearer token a request carried: none, a valid one, or one refused (bad, expired or revoked).
 *
 * @example
 * ```ts
 * const refused: RequestAuth = 'invalid';
 * expect(tenant.requests.some(({ auth }) => auth === refused)).toBe(false);
 * ```
 */
export type RequestAuth = 'none' | 'valid' | 'invalid';

/**
 * One HTTP request the local tenant received. It never holds a header, a body, a token, a secret or a
 * password, so it is safe to print.
 *
 * @example
 * ```ts
 * const [first]: readonly RecordedRequest[] = tenant.requests; // { method: 'POST', path: '/oauth/token', route: 'token', status: 200, auth: 'none', at }
 * ```
 */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string, still URL-encoded (`/api/v2/users/auth0%7C…`). */
  readonly path: string;
  readonly route: TenantRoute;
  /** The status sent; absent when the request hung or its connection was dropped. */
  readonly status?: number;
  /** The injected fault that answered it, if any. */
  readonly fault?: Fault['kind'];
  readonly auth: RequestAuth;
  /** When it arrived, by the tenant clock. */
  readonly at: Date;
}

/**
 * How many requests reached each route, and in all.
 *
 * @example
 * ```ts
 * const counts: RequestCounts = tenant.counts(); // { token: 1, getUser: 1, patchUser: 1, …, total: 3 }
 * ```
 */
export type RequestCounts = { readonly [Route in TenantRoute | 'total']: number };

/** A request being handled: the server fills in `status` and `fault` as it answers. */
export type PendingRequest = { -readonly [Key in keyof RecordedRequest]: RecordedRequest[Key] };

/** The local tenant's record of requests, in order of arrival. */
export interface RequestLog {
  /** Adds a request as it arrives and returns the entry to complete. */
  add(request: Omit<RecordedRequest, 'status' | 'fault'>): PendingRequest;
  /** A copy of every entry. */
  entries(): RecordedRequest[];
  counts(): RequestCounts;
  clear(): void;
}

/** Creates an empty request log. */
export function createRequestLog(): RequestLog {
  let entries: PendingRequest[] = [];
  return {
    add(request) {
      const entry: PendingRequest = { ...request };
      entries.push(entry);
      return entry;
    },
    entries: () => entries.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    counts() {
      const counts = Object.fromEntries(TENANT_ROUTES.map((route) => [route, 0])) as Record<TenantRoute, number>;
      for (const { route } of entries) counts[route] += 1;
      return { ...counts, total: entries.length };
    },
    clear() {
      entries = [];
    },
  };
}
