import { connectionKindOf } from '../connection-kind.js';
import { findInvalidMetadataKey, type Metadata } from '../metadata.js';
import { isRecord } from '../../obligation/obligation.js';
import type { ConnectionStore } from './connection-store.js';
import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { authorize, selectFields } from './management-access.js';
import type { TokenVerdict } from './token-issuer.js';
import type { PasswordRefusal, UserPatch, UserRecords } from './user-store.js';

/** What the users endpoints work with. */
export interface UsersEndpointContext {
  readonly users: UserRecords;
  readonly connections: ConnectionStore;
  /** The verdict on the request's bearer token; `undefined` when it carried none. */
  readonly auth: TokenVerdict | undefined;
  /** Called once a PATCH has set a user's password: Auth0 then runs post-change-password. */
  readonly onPasswordSet?: ((userId: string) => void) | undefined;
}

const USER_NOT_FOUND = errorResponse(404, 'The user does not exist.', 'inexistent_user');

const SUPPORTED_PATCH_FIELDS: ReadonlySet<string> = new Set([
  'app_metadata', 'user_metadata', 'password', 'connection', 'email_verified', 'blocked',
]);
// Fields the Management API accepts in PATCH /api/v2/users/{id} but this stand-in does not model.
const UNSUPPORTED_PATCH_FIELDS: ReadonlySet<string> = new Set([
  'client_id', 'email', 'family_name', 'given_name', 'name', 'nickname', 'phone_number', 'phone_verified',
  'picture', 'username', 'verify_email', 'verify_phone_number',
]);

/** The user id from the path, or `undefined` when its percent-encoding is malformed. */
export function decodeUserId(encodedId: string): string | undefined {
  try {
    return decodeURIComponent(encodedId);
  } catch {
    return undefined;
  }
}

/** `GET /api/v2/users/{id}`: needs `read:users`. */
export function handleGetUser(
  request: TenantRequest,
  encodedId: string,
  context: UsersEndpointContext,
): TenantResponse {
  const refusal = authorize(context.auth, ['read:users']);
  if (refusal !== undefined) return refusal;

  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  const user = context.users.get(userId);
  if (user === undefined) return USER_NOT_FOUND;
  return { status: 200, body: selectFields(user, request.url.searchParams) };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A 400 worded like the Management API's payload validation. */
function invalidBody(problem: string, property?: string): TenantResponse {
  const location = property === undefined ? '' : ` on property ${property}`;
  return errorResponse(400, `Payload validation error: '${problem}'${location}.`, 'invalid_body');
}

function wrongType(property: string, expected: string, value: unknown): TenantResponse {
  return invalidBody(`Expected type ${expected} but found type ${typeName(value)}`, property);
}

// Auth0's answers to a password its policy refuses: a 400 with the error's name in the message and
// no `errorCode` (community.auth0.com/t/passwordstrengtherror-on-management-api-doesnt-include/79241;
// the dictionary's and personal data's words as client code in the wild matches them).
const PASSWORD_REFUSALS: Readonly<Record<PasswordRefusal['error'], string>> = {
  PasswordStrengthError: 'PasswordStrengthError: Password is too weak',
  PasswordDictionaryError: 'PasswordDictionaryError: Password is too common',
  PasswordNoUserInfoError: 'PasswordNoUserInfoError: Password contains user information',
  PasswordHistoryError: 'PasswordHistoryError: Password has previously been used',
};

function passwordRefused({ error }: PasswordRefusal): TenantResponse {
  return errorResponse(400, PASSWORD_REFUSALS[error]);
}

/** A PATCH body that passed validation. */
interface ValidPatch {
  readonly patch: UserPatch;
  /** The connection the caller named, if any. */
  readonly connection: string | undefined;
}

/** Checks a PATCH body field by field, as the Management API's schema does. */
function validatePatch(body: Metadata): ValidPatch | TenantResponse {
  const fields = Object.keys(body);
  if (fields.length === 0) return invalidBody('Too few properties defined (0), minimum 1');
  const unsupported = fields.find((field) => UNSUPPORTED_PATCH_FIELDS.has(field));
  if (unsupported !== undefined) {
    const supported = [...SUPPORTED_PATCH_FIELDS].join(', ');
    const message = `The local tenant does not support "${unsupported}"; it supports ${supported}.`;
    return errorResponse(400, message, 'invalid_body');
  }
  const unknown = fields.find((field) => !SUPPORTED_PATCH_FIELDS.has(field));
  if (unknown !== undefined) return invalidBody(`Additional properties not allowed: ${unknown}`);

  const patch: UserPatch = {};
  for (const field of ['app_metadata', 'user_metadata'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (!isRecord(value)) return wrongType(field, 'object', value);
    const invalidKey = findInvalidMetadataKey(value);
    if (invalidKey !== undefined) {
      const problem = `Invalid key name ${JSON.stringify(invalidKey)}: keys may not contain "." or "$"`;
      return invalidBody(problem, field);
    }
    patch[field] = value;
  }
  for (const field of ['email_verified', 'blocked'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return wrongType(field, 'boolean', value);
    patch[field] = value;
  }
  const { password, connection } = body;
  if (password !== undefined) {
    if (typeof password !== 'string') return wrongType('password', 'string', password);
    if (password === '') return invalidBody('String is too short (0 chars), minimum 1', 'password');
    patch.password = password;
  }
  if (connection !== undefined && typeof connection !== 'string') {
    return wrongType('connection', 'string', connection);
  }
  return { patch, connection };
}

/**
 * `PATCH /api/v2/users/{id}`: merges `app_metadata` and `user_metadata` at the top level (a `null` value
 * deletes a key), sets `password` (under the connection's password policy), `email_verified` and
 * `blocked`. Needs `update:users`, or `update:users_app_metadata` when the body holds only `app_metadata`.
 */
export function handlePatchUser(
  request: TenantRequest,
  encodedId: string,
  context: UsersEndpointContext,
): TenantResponse {
  const unauthenticated = authorize(context.auth, []);
  if (unauthenticated !== undefined) return unauthenticated;

  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return errorResponse(400, 'Invalid request payload JSON format');
  }
  if (!isRecord(body)) return invalidBody(`Expected type object but found type ${typeName(body)}`);

  // The narrower scope is enough for app_metadata alone, which is all this library's clearer writes.
  const onlyAppMetadata = Object.keys(body).every((field) => field === 'app_metadata');
  const scopes = onlyAppMetadata ? ['update:users', 'update:users_app_metadata'] : ['update:users'];
  const refusal = authorize(context.auth, scopes);
  if (refusal !== undefined) return refusal;

  const validation = validatePatch(body);
  if (!('patch' in validation)) return validation;

  const userId = decodeUserId(encodedId);
  if (userId === undefined) return errorResponse(400, 'Invalid user id', 'invalid_uri');
  if (context.users.get(userId) === undefined) return USER_NOT_FOUND;

  const userConnection = context.users.connectionOf(userId);
  const namedConnection = validation.connection;
  if (namedConnection !== undefined && namedConnection !== userConnection.name) {
    return context.connections.get(namedConnection) === undefined
      ? errorResponse(400, 'The connection does not exist.', 'inexistent_connection')
      : errorResponse(400, `The user has no identity in connection "${namedConnection}".`, 'invalid_body');
  }
  const { password } = validation.patch;
  if (password !== undefined) {
    if (connectionKindOf(userConnection.strategy) !== 'database') {
      const message = 'Cannot update password for non-database connections';
      return errorResponse(400, message, 'operation_not_supported');
    }
    const passwordRefusal = context.users.passwordRefusal(userId, password);
    if (passwordRefusal !== undefined) return passwordRefused(passwordRefusal);
  }

  const updated = context.users.applyPatch(userId, validation.patch);
  if (password !== undefined) context.onPasswordSet?.(userId);
  return { status: 200, body: updated };
}
