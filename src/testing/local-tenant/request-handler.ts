import type { ConnectionRecords } from './connection-store.js';
import { handleGetConnection, handleListConnections } from './connections-endpoint.js';
import type { DueFault, Fault, FaultQueue } from './fault-injector.js';
import {
  bearerTokenOf,
  BodyTooLargeError,
  MAX_BODY_BYTES,
  errorResponse,
  readBody,
  toResponse,
  type TenantResponse,
} from './http-messages.js';
import { fetchFailed, socketClosed } from './network-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import type { PendingRequest, RequestAuth, RequestLog } from './request-log.js';
import type { TenantRoute } from './tenant-routes.js';
import type { ResetEmailOutbox } from './reset-email-outbox.js';
import { resolveLoginFlowRoute, type LoginFlow, type LoginFlowRoute } from './login-flow.js';
import { handleTokenRequest } from './token-endpoint.js';
import type { TokenIssuer, TokenVerdict } from './token-issuer.js';
import { handleGetUser, handlePatchUser } from './users-endpoint.js';
import type { SessionRecords } from './session-store.js';
import { handleDeleteRefreshTokens, handleDeleteSessions, handleListSessions, handleRevokeAccess, type LocalTenantPlan } from './sessions-endpoint.js';
import type { UsersExportJobs } from './users-export-jobs.js';
import { handleListUsers } from './users-search-endpoint.js';
import type { UserRecords } from './user-store.js';

/** Everything the HTTP side of a local tenant works with. */
export interface RequestHandlerContext {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
  readonly tokens: TokenIssuer;
  readonly users: UserRecords;
  readonly connections: ConnectionRecords;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly resetEmails: ResetEmailOutbox;
  readonly usersExports: UsersExportJobs;
  /** The host the export files are served from (a second listener); it serves nothing else. */
  readonly downloadHost: string;
  /** The Management API's rate limit, when the tenant has one. */
  readonly rateLimiter: RateLimiter | undefined;
  /** The users' sessions and refresh tokens. */
  readonly sessions: SessionRecords;
  /** The plan the tenant plays: the session endpoints are Enterprise only. */
  readonly plan: LocalTenantPlan;
  /** The M2M clients added with `tenant.addClient`. */
  readonly otherClients: () => readonly { readonly clientId: string; readonly clientSecret: string; readonly scopes: readonly string[] }[];
  /** The sign-in a browser goes through: `/authorize`, `/continue`, `/userinfo`, the code grant. */
  readonly loginFlow: LoginFlow;
  /** The tenant clock, in milliseconds. */
  readonly now: () => number;
  /** Aborts when the tenant closes: requests left hanging then fail as a closed connection would. */
  readonly closing: AbortSignal;
}

/** The local tenant as a Web-standard application. */
export type TenantRequestHandler = (request: Request) => Promise<Response>;

type RouteWithId = 'getUser' | 'patchUser' | 'getConnection' | 'getJob' | 'listSessions' | 'revokeAccess' | 'deleteSessions' | 'deleteRefreshTokens';
type ResolvedRoute =
  | { readonly route: Extract<TenantRoute, RouteWithId>; readonly encodedId: string }
  | { readonly route: Exclude<TenantRoute, RouteWithId | LoginFlowRoute> }
  | { readonly route: LoginFlowRoute; readonly loginFlow: true };

const USER_PATH = /^\/api\/v2\/users\/([^/]+)$/;
const USER_SESSIONS_PATH = /^\/api\/v2\/users\/([^/]+)\/(revoke-access|sessions|refresh-tokens)$/;
const CONNECTION_PATH = /^\/api\/v2\/connections\/([^/]+)$/;
const JOB_PATH = /^\/api\/v2\/jobs\/([^/]+)$/;

/** The Management API's routes: the ones its rate limit counts. */
const MANAGEMENT_ROUTES: ReadonlySet<TenantRoute> = new Set([
  'getUser', 'patchUser', 'listUsers', 'getConnection', 'listConnections', 'createUsersExport', 'getJob',
  'listSessions', 'revokeAccess', 'deleteSessions', 'deleteRefreshTokens',
]);

function resolveRoute(method: string, path: string, onDownloadHost: boolean): ResolvedRoute {
  if (onDownloadHost) return method === 'GET' ? { route: 'downloadExport' } : { route: 'other' };
  if (method === 'POST' && path === '/oauth/token') return { route: 'token' };
  if (method === 'POST' && path === '/api/v2/jobs/users-exports') return { route: 'createUsersExport' };
  if (method === 'POST' && path === '/dbconnections/change_password') return { route: 'resetEmail' };
  const loginFlowRoute = resolveLoginFlowRoute(method, path);
  if (loginFlowRoute !== undefined) return { route: loginFlowRoute, loginFlow: true };
  if (method === 'GET' && path === '/api/v2/users') return { route: 'listUsers' };
  if (method === 'GET' && path === '/api/v2/connections') return { route: 'listConnections' };
  const userId = USER_PATH.exec(path)?.[1];
  if (userId !== undefined) {
    if (method === 'GET') return { route: 'getUser', encodedId: userId };
    if (method === 'PATCH') return { route: 'patchUser', encodedId: userId };
  }
  const sessions = USER_SESSIONS_PATH.exec(path);
  if (sessions !== null) {
    const [, encodedId, what] = sessions as unknown as [string, string, string];
    if (method === 'GET' && what === 'sessions') return { route: 'listSessions', encodedId };
    if (method === 'POST' && what === 'revoke-access') return { route: 'revokeAccess', encodedId };
    if (method === 'DELETE' && what === 'sessions') return { route: 'deleteSessions', encodedId };
    if (method === 'DELETE' && what === 'refresh-tokens') return { route: 'deleteRefreshTokens', encodedId };
  }
  const connectionId = CONNECTION_PATH.exec(path)?.[1];
  if (connectionId !== undefined && method === 'GET') return { route: 'getConnection', encodedId: connectionId };
  const jobId = JOB_PATH.exec(path)?.[1];
  if (jobId !== undefined && method === 'GET') return { route: 'getJob', encodedId: jobId };
  return { route: 'other' };
}

function recordedAuth(verdict: TokenVerdict | undefined): RequestAuth {
  if (verdict === undefined) return 'none';
  return verdict.valid ? 'valid' : 'invalid';
}

function faultResponse(fault: Extract<Fault, { kind: 'status' }>): TenantResponse {
  // An explicit `body: null` is sent as `null`; only a missing body gets Auth0's default.
  const body = fault.body === undefined ? errorResponse(fault.status).body : fault.body;
  return { status: fault.status, headers: fault.headers ?? {}, body };
}

/** A promise that never settles on its own: only the request's abort signal or the tenant closing end it. */
function hang(request: Request, closing: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(request.signal.reason as Error);
    const onClose = () => reject(fetchFailed(socketClosed()));
    if (request.signal.aborted) onAbort();
    else if (closing.aborted) onClose();
    request.signal.addEventListener('abort', onAbort, { once: true });
    closing.addEventListener('abort', onClose, { once: true });
  });
}

/**
 * Creates the local tenant's application: a `(request: Request) => Promise<Response>` function, as a
 * Web-standard server handler. It records each request, applies any injected fault, and otherwise
 * answers like Auth0's token endpoint, Management API (users, connections) and
 * `/dbconnections/change_password`. A `hang` fault never settles until the request's signal aborts
 * (or the tenant closes); a `drop` rejects with `TypeError: fetch failed`, as `fetch` would on a closed
 * connection. Everything else resolves with a response — a bug in the stand-in with a 500.
 */
export function createRequestHandler(context: RequestHandlerContext): TenantRequestHandler {
  function send(entry: PendingRequest, tenantResponse: TenantResponse, extraHeaders?: Readonly<Record<string, string>>): Response {
    // Record before answering, so a client that has its response also sees the status in `requests`.
    entry.status = tenantResponse.status;
    return toResponse(extraHeaders === undefined ? tenantResponse : { ...tenantResponse, headers: { ...extraHeaders, ...tenantResponse.headers } });
  }

  /** The fault's answer in place of the real one: a status, a hang or a dropped connection. */
  function answerWith(request: Request, entry: PendingRequest, fault: Fault): Promise<Response> | Response {
    if (fault.kind === 'hang') return hang(request, context.closing);
    if (fault.kind === 'drop') throw fetchFailed(socketClosed());
    return send(entry, faultResponse(fault));
  }

  async function respond(request: Request, entry: PendingRequest, resolved: ResolvedRoute, auth: TokenVerdict | undefined, due: DueFault | undefined): Promise<Response> {
    // A fault that answers instead of the tenant: a hang or a drop before the body is even read.
    const instead = due !== undefined && !due.afterEffect ? due.fault : undefined;
    if (instead !== undefined && instead.kind !== 'status') return answerWith(request, entry, instead);

    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return send(entry, errorResponse(413, `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}`));
    }
    if (instead !== undefined) return send(entry, faultResponse(instead));
    const limit = MANAGEMENT_ROUTES.has(resolved.route) ? context.rateLimiter?.take() : undefined;
    if (limit?.refusal !== undefined) return send(entry, limit.refusal);

    const url = new URL(request.url);
    const tenantRequest = { method: request.method, url, headers: request.headers, body };
    const usersContext = { users: context.users, connections: context.connections, auth, onPasswordSet: context.loginFlow.passwordSet };
    const sessionsContext = { sessions: context.sessions, auth, plan: context.plan };
    switch (resolved.route) {
      case 'token':
        return send(entry, handleTokenRequest(tenantRequest, { ...context, redeemCode: context.loginFlow.redeemCode }));
      case 'getUser':
        return send(entry, handleGetUser(tenantRequest, resolved.encodedId, usersContext), limit?.headers);
      case 'patchUser':
        return send(entry, handlePatchUser(tenantRequest, resolved.encodedId, usersContext), limit?.headers);
      case 'listUsers':
        return send(entry, handleListUsers(tenantRequest, usersContext), limit?.headers);
      case 'getConnection':
        return send(entry, handleGetConnection(tenantRequest, resolved.encodedId, usersContext), limit?.headers);
      case 'listConnections':
        return send(entry, handleListConnections(tenantRequest, usersContext), limit?.headers);
      case 'createUsersExport':
        return send(entry, context.usersExports.create(tenantRequest, auth), limit?.headers);
      case 'getJob':
        return send(entry, context.usersExports.get(resolved.encodedId, auth), limit?.headers);
      case 'downloadExport':
        return send(entry, context.usersExports.download(url));
      case 'listSessions':
        return send(entry, handleListSessions(resolved.encodedId, sessionsContext), limit?.headers);
      case 'revokeAccess':
        return send(entry, handleRevokeAccess(tenantRequest, resolved.encodedId, sessionsContext), limit?.headers);
      case 'deleteSessions':
        return send(entry, handleDeleteSessions(resolved.encodedId, sessionsContext), limit?.headers);
      case 'deleteRefreshTokens':
        return send(entry, handleDeleteRefreshTokens(resolved.encodedId, sessionsContext), limit?.headers);
      case 'authorize':
      case 'continue':
      case 'userinfo':
        return send(entry, await context.loginFlow.handle(resolved.route, tenantRequest));
      case 'resetEmail':
        return send(entry, context.resetEmails.handle(body, request.headers.get('content-type') ?? undefined));
      case 'other':
        return send(entry, errorResponse(404, `The local tenant does not serve ${request.method} ${url.pathname}`));
    }
  }

  return async function handleLocalTenantRequest(request: Request): Promise<Response> {
    // Recorded as it arrives, with the fault due for it taken before any body is read.
    const arrivedAt = context.now();
    const { pathname, host } = new URL(request.url);
    const resolved = resolveRoute(request.method, pathname, host === context.downloadHost);
    const bearer = bearerTokenOf(request.headers.get('authorization'));
    // `/userinfo` takes the access tokens of signed-in users; every other route the Management API's.
    const verify = 'loginFlow' in resolved ? context.loginFlow.verifyAccessToken : context.tokens.verify;
    const auth = bearer === undefined ? undefined : verify(bearer);
    const entry = context.log.add({ method: request.method, path: pathname, route: resolved.route, auth: recordedAuth(auth), at: new Date(arrivedAt) });
    const due = context.faults.take(resolved.route, arrivedAt);
    if (due !== undefined) entry.fault = due.fault.kind;

    try {
      const answer = await respond(request, entry, resolved, auth, due);
      // The request took effect; the caller gets the fault instead of this answer.
      if (due?.afterEffect === true) {
        await answer.body?.cancel();
        return await answerWith(request, entry, due.fault);
      }
      return answer;
    } catch (error) {
      // Hangs and drops end as network failures; so does a client that went away mid-body.
      if (due?.fault.kind === 'hang' || due?.fault.kind === 'drop' || request.signal.aborted) throw error;
      // A bug in the stand-in: answer 500 rather than leave the client waiting. The message is the
      // stand-in's own and never holds a secret.
      const message = error instanceof Error ? error.message : String(error);
      return send(entry, errorResponse(500, `Local tenant error: ${message}`));
    }
  };
}
