import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { parseUserSearchQuery, UserSearchSyntaxError, type UserSearchPredicate } from './user-search-query.js';
import { authorize, integerParameter, selectFields } from './management-access.js';
import type { UsersEndpointContext } from './users-endpoint.js';

/** Auth0 lets a search page through the first 1000 matches only. */
export const SEARCH_RESULT_LIMIT = 1000;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

/**
 * `GET /api/v2/users`: lists users, or searches them with `q` (`search_engine=v3`), in creation order.
 * Needs `read:users`. `page` (from 0), `per_page` (at most 100, default 50), `include_totals` (an object
 * `{start, limit, length, total, users}` instead of an array), `fields` and `include_fields` work as in
 * Auth0, and so does the limit: past the first 1000 matches, a 400. The query language is the subset
 * described in `user-search-query.ts`; anything else is a 400 that says what is not supported.
 */
export function handleListUsers(request: TenantRequest, context: UsersEndpointContext): TenantResponse {
  const refusal = authorize(context.auth, ['read:users']);
  if (refusal !== undefined) return refusal;

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
