/** Every {@link TenantRoute}, in the order `tenant.counts()` lists them. */
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
 * expect(tenant.counts().getConnection).toBe(1);
 * ```
 */
export type TenantRoute = (typeof TENANT_ROUTES)[number];
