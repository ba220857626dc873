import type { ConnectionRecords } from './connection-store.js';
import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { authorize, hasScope, integerParameter, selectFields } from './management-access.js';
import type { TokenVerdict } from './token-issuer.js';

/** What the connections endpoints work with. */
export interface ConnectionsEndpointContext {
  readonly connections: ConnectionRecords;
  /** The verdict on the request's bearer token; `undefined` when it carried none. */
  readonly auth: TokenVerdict | undefined;
}

const CONNECTION_NOT_FOUND = errorResponse(404, 'The connection does not exist', 'inexistent_connection');
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

/**
 * A connection as the Management API shows it to this token. Since Auth0 retired the "connection
 * options without a scope" allowance, `options` (which holds the password policy) needs
 * `read:connections_options`; without it the answer is still 200, only without `options`.
 */
function viewFor(context: ConnectionsEndpointContext, name: string, query: URLSearchParams): Partial<Record<string, unknown>> {
  const { options, ...connection } = context.connections.managementView(name);
  const view = hasScope(context.auth, 'read:connections_options') ? { ...connection, options } : connection;
  return selectFields(view, query);
}

/** `GET /api/v2/connections/{id}`: needs `read:connections` (and `read:connections_options` for `options`). */
export function handleGetConnection(request: TenantRequest, encodedId: string, context: ConnectionsEndpointContext): TenantResponse {
  const refusal = authorize(context.auth, ['read:connections']);
  if (refusal !== undefined) return refusal;
  let id: string;
  try {
    id = decodeURIComponent(encodedId);
  } catch {
    return CONNECTION_NOT_FOUND;
  }
  const connection = context.connections.getById(id);
  if (connection === undefined) return CONNECTION_NOT_FOUND;
  return { status: 200, body: viewFor(context, connection.name, request.url.searchParams) };
}

/**
 * `GET /api/v2/connections`: every connection, or those with the given `name` and `strategy` (which may
 * repeat), in creation order; `page`, `per_page` (at most 100, default 50), `include_totals`, `fields`
 * and `include_fields` as in Auth0. Needs `read:connections`.
 */
export function handleListConnections(request: TenantRequest, context: ConnectionsEndpointContext): TenantResponse {
  const refusal = authorize(context.auth, ['read:connections']);
  if (refusal !== undefined) return refusal;
  const params = request.url.searchParams;
  const page = integerParameter(params, 'page', 0, Number.MAX_SAFE_INTEGER);
  if (typeof page !== 'number') return page;
  const perPage = integerParameter(params, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  if (typeof perPage !== 'number') return perPage;

  const name = params.get('name');
  const strategies = params.getAll('strategy');
  const found = context.connections
    .list()
    .filter((connection) => (name === null || connection.name === name) && (strategies.length === 0 || strategies.includes(connection.strategy)));
  const start = page * perPage;
  const connections = found.slice(start, start + perPage).map((connection) => viewFor(context, connection.name, params));
  if (params.get('include_totals') !== 'true') return { status: 200, body: connections };
  return { status: 200, body: { start, limit: perPage, length: connections.length, total: found.length, connections } };
}
