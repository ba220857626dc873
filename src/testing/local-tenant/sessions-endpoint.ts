import { isRecord } from '../../obligation/obligation.js';
import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { authorize } from './management-access.js';
import type { SessionRecords } from './session-store.js';
import type { TokenVerdict } from './token-issuer.js';
import { decodeUserId } from './users-endpoint.js';

/**
 * The Auth0 plan a local tenant plays. Auth0's guide "Manage user sessions with the Management API"
 * says its session endpoints are for Enterprise plans: on any other, the local tenant refuses them
 * with a 403 (in words of its own: Auth0's exact answer is not documented).
 *
 * @example
 * ```ts
 * await using tenant = await startLocalTenant({ plan: 'professional' }); // revoke-access answers 403
 * ```
 */
export type LocalTenantPlan = 'free' | 'essentials' | 'professional' | 'enterprise';

/** What the session endpoints work with. */
export interface SessionsEndpointContext {
  readonly sessions: SessionRecords;
  /** The verdict on the request's bearer token; `undefined` when it carried none. */
  readonly auth: TokenVerdict | undefined;
  readonly plan: LocalTenantPlan;
}

/** The local tenant's answer on a plan without session management. */
export const NOT_ON_THIS_PLAN_MESSAGE =
  'Session and refresh token management through the Management API is available on Enterprise plans only';

/** Auth0 accepts a deletion request and acts later: 202, no body. */
const ACCEPTED: TenantResponse = { status: 202, body: '' };

/** The checks every session endpoint makes, in order: a valid token, the plan, each scope. */
function refusal(context: SessionsEndpointContext, scopes: readonly string[]): TenantResponse | undefined {
  const unauthenticated = authorize(context.auth, []);
  if (unauthenticated !== undefined) return unauthenticated;
  if (context.plan !== 'enterprise') return errorResponse(403, NOT_ON_THIS_PLAN_MESSAGE);
  // One scope at a time, so that the answer names the one missing, as Auth0's `insufficient_scope` does.
  for (const scope of scopes) {
    const missing = authorize(context.auth, [scope]);
    if (missing !== undefined) return missing;
  }
  return undefined;
}

/**
 * `POST /api/v2/users/{id}/revoke-access`: ends the user's sessions and refresh tokens — or one
 * session (`session_id`), and its refresh tokens unless `preserve_refresh_tokens`. Needs
 * `delete:sessions`, and `delete:refresh_tokens` unless refresh tokens are preserved. 202 for any
 * user id (Auth0's reference lists no 404).
 */
export function handleRevokeAccess(request: TenantRequest, encodedId: string, context: SessionsEndpointContext): TenantResponse {
  let body: unknown = {};
  if (request.body.trim() !== '') {
    try {
      body = JSON.parse(request.body);
    } catch {
      return errorResponse(400, 'Invalid request payload JSON format');
    }
  }
  if (!isRecord(body)) return errorResponse(400, "Payload validation error: 'Expected type object'.", 'invalid_body');
  const { session_id: sessionId, preserve_refresh_tokens: preserve, ...rest } = body;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return errorResponse(400, `Payload validation error: 'Additional properties not allowed: ${extra}'.`, 'invalid_body');
  if (sessionId !== undefined && typeof sessionId !== 'string') {
    return errorResponse(400, "Payload validation error: 'Expected type string' on property session_id.", 'invalid_body');
  }
  if (preserve !== undefined && typeof preserve !== 'boolean') {
    return errorResponse(400, "Payload validation error: 'Expected type boolean' on property preserve_refresh_tokens.", 'invalid_body');
  }
  const denied = refusal(context, preserve === true ? ['delete:sessions'] : ['delete:sessions', 'delete:refresh_tokens']);
  if (denied !== undefined) return denied;
  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  context.sessions.revokeAccess(userId, { sessionId, preserveRefreshTokens: preserve === true });
  return ACCEPTED;
}

/**
 * `GET /api/v2/users/{id}/sessions`: the user's sessions, oldest first, in one page (`{ sessions }`,
 * no `next`); needs `read:sessions`. None for an unknown user id.
 */
export function handleListSessions(encodedId: string, context: SessionsEndpointContext): TenantResponse {
  const denied = refusal(context, ['read:sessions']);
  if (denied !== undefined) return denied;
  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  return { status: 200, body: { sessions: context.sessions.list(userId) } };
}

/** `DELETE /api/v2/users/{id}/sessions`: needs `delete:sessions`; 202. */
export function handleDeleteSessions(encodedId: string, context: SessionsEndpointContext): TenantResponse {
  const denied = refusal(context, ['delete:sessions']);
  if (denied !== undefined) return denied;
  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  context.sessions.deleteSessions(userId);
  return ACCEPTED;
}

/** `DELETE /api/v2/users/{id}/refresh-tokens`: needs `delete:refresh_tokens`; 202. */
export function handleDeleteRefreshTokens(encodedId: string, context: SessionsEndpointContext): TenantResponse {
  const denied = refusal(context, ['delete:refresh_tokens']);
  if (denied !== undefined) return denied;
  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  context.sessions.deleteRefreshTokens(userId);
  return ACCEPTED;
}
