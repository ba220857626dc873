import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { parseUserSearchQuery, UserSearchSyntaxError, type UserSearchPredicate } from './user-search-query.js';
import type { TenantUser } from './user-store.js';
import type { UsersEndpointContext } from './users-endpoint.js';

/** Auth0 lets a search page through the first 1000 matches only. */
export const SEARCH_RESULT_LIMIT = 1000;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

function selectFields(user: TenantUser, query: URLSearchParams): Partial<TenantUser> {
  const fields = query.get('fields');
  if (fields === null || fields.trim() === '') return user;
  const listed = new Set(fields.split(',').map((field) => field.trim()));
  const include = query.get('include_fields') !== 'false';
  return Object.fromEntries(Object.entries(user).filter(([field]) => listed.has(field) === include));
}

/** A non-negative integer query parameter, or the 400 for a malformed one. */
function integerParameter(query: URLSearchParams, name: string, fallback: number, max: number): number | TenantResponse {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    return errorResponse(400, `Query validation error: '${name}' must be an integer from 0 to ${max}`, 'invalid_query_string');
  }
  return value;
}

/**
 * `GET /api/v2/users`: lists users, or searches them with `q` (`search_engine=v3`), in creation order.
 * Needs `read:users`. `page` (from 0), `per_page` (at most 100, default 50), `include_totals` (an object
 * `{start, limit, length, total, users}` instead of an array), `fields` and `include_fields` work as in
 * Auth0, and so does the limit: past the first 1000 matches, a 400. The query language is the subset
 * described in `user-search-query.ts`; anything else is a 400 that says what is not supported.
 */
export function handleListUsers(request: TenantRequest, context: UsersEndpointContext): TenantResponse {
  const { auth } = context;
  if (auth === undefined) return errorResponse(401, 'Missing authentication');
  if (!auth.valid) {
    const message = auth.reason === 'expired' ? 'Expired token received for JSON Web Token validation' : 'Invalid token';
    return errorResponse(401, message);
  }
  if (!auth.scopes.has('read:users')) {
    return errorResponse(403, 'Insufficient scope, expected any of: read:users', 'insufficient_scope');
  }

  const params = request.url.searchParams;
  const engine = params.get('search_engine');
  if (engine !== null && engine !== 'v3') {
    return errorResponse(400, `Query validation error: the local tenant supports search_engine=v3 only (got "${engine.slice(0, 10)}")`, 'invalid_query_string');
  }
  const page = integerParameter(params, 'page', 0, Number.MAX_SAFE_INTEGER);
  if (typeof page !== 'number') return page;
  const perPage = integerParameter(params, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  if (typeof perPage !== 'number') return perPage;
  if ((page + 1) * perPage > SEARCH_RESULT_LIMIT) {
    return errorResponse(400, `You can only page through the first ${SEARCH_RESULT_LIMIT} records.`, 'invalid_paging');
  }

  let matches: UserSearchPredicate = () => true;
  const query = params.get('q');
  if (query !== null && query.trim() !== '') {
    try {
      matches = parseUserSearchQuery(query);
    } catch (error) {
      if (!(error instanceof UserSearchSyntaxError)) throw error;
      return errorResponse(400, `Query validation error: ${error.message}`, 'invalid_query_string');
    }
  }

  const found = context.users.list().filter((user) => matches(user));
  const start = page * perPage;
  const users = found.slice(start, start + perPage).map((user) => selectFields(user, params));
  if (params.get('include_totals') !== 'true') return { status: 200, body: users };
  return { status: 200, body: { start, limit: perPage, length: users.length, total: found.length, users } };
}
