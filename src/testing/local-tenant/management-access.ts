import { errorResponse, type TenantResponse } from './http-messages.js';
import type { TokenVerdict } from './token-issuer.js';

const EXPIRED_TOKEN_MESSAGE = 'Expired token received for JSON Web Token validation';

/**
 * The Management API's check of a request's bearer token: 401 for a missing, invalid, expired or
 * revoked token; 403 `insufficient_scope` unless it carries one of `anyOf` (an empty list only asks
 * for a valid token). `undefined` when the request may go on.
 */
export function authorize(auth: TokenVerdict | undefined, anyOf: readonly string[]): TenantResponse | undefined {
  if (auth === undefined) return errorResponse(401, 'Missing authentication');
  if (!auth.valid) return errorResponse(401, auth.reason === 'expired' ? EXPIRED_TOKEN_MESSAGE : 'Invalid token');
  if (anyOf.length === 0 || anyOf.some((scope) => auth.scopes.has(scope))) return undefined;
  return errorResponse(403, `Insufficient scope, expected any of: ${anyOf.join(',')}`, 'insufficient_scope');
}

/** Whether a valid token carries `scope`. */
export function hasScope(auth: TokenVerdict | undefined, scope: string): boolean {
  return auth?.valid === true && auth.scopes.has(scope);
}

/** Applies the `fields` and `include_fields` query parameters of the Management API. */
export function selectFields<Record extends object>(record: Record, query: URLSearchParams): Partial<Record> {
  const fields = query.get('fields');
  if (fields === null || fields.trim() === '') return record;
  const listed = new Set(fields.split(',').map((field) => field.trim()));
  const include = query.get('include_fields') !== 'false';
  return Object.fromEntries(Object.entries(record).filter(([field]) => listed.has(field) === include)) as Partial<Record>;
}

/** A non-negative integer query parameter up to `max`, or the 400 for a malformed one. */
export function integerParameter(query: URLSearchParams, name: string, fallback: number, max: number): number | TenantResponse {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    return errorResponse(400, `Query validation error: '${name}' must be an integer from 0 to ${max}`, 'invalid_query_string');
  }
  return value;
}
