import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionStore } from './connection-store.js';
import type { Fault, FaultQueue } from './fault-injector.js';
import {
  BodyTooLargeError,
  MAX_BODY_BYTES,
  errorResponse,
  readBody,
  writeResponse,
  type TenantResponse,
} from './http-messages.js';
import type { PendingRequest, RequestAuth, RequestLog, TenantRoute } from './request-log.js';
import { handleTokenRequest } from './token-endpoint.js';
import type { TokenIssuer, TokenVerdict } from './token-issuer.js';
import { handleGetUser, handlePatchUser } from './users-endpoint.js';
import { handleListUsers } from './users-search-endpoint.js';
import type { UserRecords } from './user-store.js';
import type { ResetEmailOutbox } from './reset-email-outbox.js';

/** Everything the HTTP side of a local tenant works with. */
export interface RequestHandlerContext {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
  readonly tokens: TokenIssuer;
  readonly users: UserRecords;
  readonly connections: ConnectionStore;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly resetEmails: ResetEmailOutbox;
  /** The tenant clock, in milliseconds. */
  readonly now: () => number;
}

/** A request as recorded on arrival, with the fault due for it. */
interface AdmittedRequest {
  readonly method: string;
  readonly url: URL;
  readonly resolved: ResolvedRoute;
  readonly auth: TokenVerdict | undefined;
  readonly entry: PendingRequest;
  readonly fault: Fault | undefined;
}

type ResolvedRoute =
  | { readonly route: Extract<TenantRoute, 'getUser' | 'patchUser'>; readonly encodedUserId: string }
  | { readonly route: Extract<TenantRoute, 'token' | 'listUsers' | 'resetEmail' | 'other'> };

const USER_PATH = /^\/api\/v2\/users\/([^/]+)$/;

function resolveRoute(method: string, path: string): ResolvedRoute {
  if (method === 'POST' && path === '/oauth/token') return { route: 'token' };
  if (method === 'POST' && path === '/dbconnections/change_password') return { route: 'resetEmail' };
  if (method === 'GET' && path === '/api/v2/users') return { route: 'listUsers' };
  const encodedUserId = USER_PATH.exec(path)?.[1];
  if (encodedUserId !== undefined) {
    if (method === 'GET') return { route: 'getUser', encodedUserId };
    if (method === 'PATCH') return { route: 'patchUser', encodedUserId };
  }
  return { route: 'other' };
}

function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
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

/**
 * Creates the `request` listener of a local tenant's HTTP server: it records each request, applies any
 * injected fault, and otherwise answers like Auth0's token endpoint and Management API users endpoints.
 */
export function createRequestHandler(
  context: RequestHandlerContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  /** Records the request as it arrives and takes the fault due for it, before reading any body. */
  function admit(request: IncomingMessage): AdmittedRequest {
    const arrivedAt = context.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://local-tenant.invalid');
    const resolved = resolveRoute(method, url.pathname);
    const bearer = bearerTokenOf(request.headers.authorization);
    const auth = bearer === undefined ? undefined : context.tokens.verify(bearer);
    const entry = context.log.add({
      method,
      path: url.pathname,
      route: resolved.route,
      auth: recordedAuth(auth),
      at: new Date(arrivedAt),
    });
    const fault = context.faults.take(resolved.route, arrivedAt);
    if (fault !== undefined) entry.fault = fault.kind;
    return { method, url, resolved, auth, entry, fault };
  }

  async function respond(
    request: IncomingMessage,
    response: ServerResponse,
    admitted: AdmittedRequest,
  ): Promise<void> {
    const { method, url, resolved, auth, entry, fault } = admitted;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }

    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      const message = `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}`;
      send(entry, response, errorResponse(413, message));
      return;
    }
    if (fault !== undefined) {
      send(entry, response, faultResponse(fault));
      return;
    }

    const tenantRequest = { method, url, headers: request.headers, body };
    const usersContext = { users: context.users, connections: context.connections, auth };
    switch (resolved.route) {
      case 'token':
        send(entry, response, handleTokenRequest(tenantRequest, context));
        return;
      case 'getUser':
        send(entry, response, handleGetUser(tenantRequest, resolved.encodedUserId, usersContext));
        return;
      case 'patchUser':
        send(entry, response, handlePatchUser(tenantRequest, resolved.encodedUserId, usersContext));
        return;
      case 'listUsers':
        send(entry, response, handleListUsers(tenantRequest, usersContext));
        return;
      case 'resetEmail':
        send(entry, response, context.resetEmails.handle(body, request.headers['content-type']));
        return;
      case 'other':
        send(entry, response, errorResponse(404, `The local tenant does not serve ${method} ${url.pathname}`));
        return;
    }
  }

  function send(entry: PendingRequest, response: ServerResponse, tenantResponse: TenantResponse): void {
    // Record before answering, so a client that has its response also sees the status in `requests`.
    entry.status = tenantResponse.status;
    writeResponse(response, tenantResponse);
  }

  return function handleLocalTenantRequest(request, response) {
    const admitted = admit(request);
    respond(request, response, admitted).catch((error: unknown) => {
      // A client that went away mid-body, or a bug in the stand-in: answer 500 rather than leave the
      // client waiting. The message is the stand-in's own and never holds a secret.
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      send(admitted.entry, response, errorResponse(500, `Local tenant error: ${message}`));
    });
  };
}
