import { ManagementApiError, type ManagementApiFailure, type ManagementApiStep, type UnreachableHost } from '../errors/management-api-error.js';
import { escapeControlCharacters } from '../internal/control-characters.js';
import type { AttemptRecord } from './resilient-fetch.js';

const MAX_SERVER_MESSAGE = 120;

const STEP_TEXT: Record<ManagementApiStep, (subject: string | undefined) => string> = {
  'get token': () => 'getting a Management API token',
  'read user': (userId) => `reading user "${userId ?? ''}"`,
  'update user': (userId) => `updating user "${userId ?? ''}"`,
  'set password': (userId) => `setting the password of user "${userId ?? ''}"`,
  'search users': () => 'searching users',
  'read connection': (name) => `reading connection "${name ?? ''}"`,
  'export users': () => 'exporting users',
  'download export': () => 'downloading the users export',
  'list sessions': (userId) => `listing the sessions of user "${userId ?? ''}"`,
  // Without a user: the check a run makes before its first user (see the administrator tools).
  'revoke sessions': (userId) =>
    userId === undefined ? 'checking that the tenant lets sessions be revoked' : `revoking the sessions and refresh tokens of user "${userId}"`,
};

/** `reading user "auth0|…" failed: HTTP 503 (Service Unavailable) after 4 attempts — …`, from the fields. */
export function describeManagementApiFailure(failure: ManagementApiFailure): string {
  const { step, userId, connection, reason, serverMessage, attempts, gaveUp, hint } = failure;
  return (
    `${STEP_TEXT[step](userId ?? connection)} failed: ${reason}` +
    `${serverMessage === undefined ? '' : ` (${serverMessage})`}` +
    ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` +
    `${gaveUp === undefined ? '' : ` (gave up: ${gaveUp})`}` +
    `${hint === undefined ? '' : ` — ${hint}`}`
  );
}

/** A {@link ManagementApiError} from its fields. */
export function createManagementApiError(caller: string, failure: ManagementApiFailure): ManagementApiError {
  return new ManagementApiError(caller, failure, describeManagementApiFailure(failure));
}

/**
 * Every form a secret may take in text a server sends back: as given, JSON-escaped, and
 * URL-encoded (`%2B`, or `+` for a space, as in a form body).
 */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  return [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every form of every secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of secretForms(secret)) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** The error text in an Auth0 answer (`message`, `error_description` or `error`), if any. */
function serverText(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = parsed as { error_description?: unknown; message?: unknown; error?: unknown };
  const text = fields.error_description ?? fields.message ?? fields.error;
  return typeof text === 'string' && text.length > 0 ? text : undefined;
}

/** `Insufficient scope, expected any of: read:users,update:users` → `['read:users', 'update:users']`. */
export function requiredScopesIn(text: string | undefined): string[] | undefined {
  const match = /expected any of:\s*([^\s].*)$/i.exec(text ?? '');
  if (match === null) return undefined;
  const scopes = (match[1] as string).split(/[,\s]+/).filter((scope) => /^[a-z_]+:[a-z_]+$/i.test(scope));
  return scopes.length === 0 ? undefined : scopes;
}

/** The HTTP status on an `auth0` SDK error, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A caller's advice for a failure, or `undefined` to use the general one. */
export type FailureHint = (failure: Omit<ManagementApiFailure, 'hint'>) => string | undefined;

const UNREACHABLE_HINTS: Readonly<Record<UnreachableHost['kind'], string>> = {
  dns: 'its name does not resolve: check the domain, and this machine\'s DNS and network',
  tls: 'its TLS certificate was refused: check the domain, and any proxy that intercepts TLS',
  connection: 'nothing accepts the connection: check the domain and port, and any firewall or proxy',
};

/** The general advice, which names no part of the library; callers add their own first. */
function generalHint(failure: Omit<ManagementApiFailure, 'hint'>): string | undefined {
  const { step, status, requiredScopes, unreachable } = failure;
  if (unreachable !== undefined) return UNREACHABLE_HINTS[unreachable.kind];
  if (step === 'get token' && (status === 401 || status === 403)) {
    return 'check the client id and secret, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)';
  }
  if (status === 403 && requiredScopes !== undefined) return `grant the application the ${requiredScopes.join(' or ')} scope`;
  if (status === 404 && (step === 'read user' || step === 'update user' || step === 'set password')) return 'no such user';
  if (status === 429) return "the tenant's rate limit: try again later";
  return undefined;
}

export interface FailureInput {
  /** The public function on whose behalf the request was made; the message starts with it. */
  readonly caller: string;
  readonly step: ManagementApiStep;
  readonly userId: string | undefined;
  /** The connection, for `read connection`. */
  readonly connection?: string;
  /** What the request's attempts came to. */
  readonly record: AttemptRecord;
  /** What the SDK (or our own code) threw. */
  readonly error: unknown;
  /** A reason of our own, for an answer that arrived but cannot be used (`malformed answer: …`). */
  readonly malformed?: string;
  /** Values to redact from any text the server sent back (the client secret, the token, a password). */
  readonly secrets: readonly string[];
  /** The caller's own advice, tried before the general one. */
  readonly hint: FailureHint | undefined;
  /** The host the request went to: named when it could not be reached at all. */
  readonly host?: string;
}

/**
 * The error for a request that failed for good, for every part of the library that talks to Auth0:
 * the step, the HTTP status (or the network failure, or why the answer was refused), the attempts,
 * why retrying stopped, Auth0's own message (redacted), the scopes a 403 asks for, and advice.
 * It does not name its callers: they pass their name and hints.
 */
export function managementApiFailure(input: FailureInput): ManagementApiError {
  const { caller, step, userId, connection, record, error, malformed, secrets, hint, host } = input;
  // When no response arrived, a status on the SDK's error is its own invention (408 for a timeout).
  const status = record.status ?? (record.failure === undefined && record.attempts === 0 ? statusOf(error) : undefined);
  const reason =
    malformed ?? record.failure ?? (status === undefined ? 'request failed' : `HTTP ${status}`);
  const text = status === undefined || malformed !== undefined ? undefined : serverText(record.body);
  // Whatever the server wrote goes to terminals and logs: its control characters as escapes.
  const shown = text === undefined ? undefined : escapeControlCharacters(redact(text, secrets));
  const failure: Omit<ManagementApiFailure, 'hint'> = {
    step,
    userId,
    ...(connection === undefined ? {} : { connection }),
    status,
    attempts: Math.max(record.attempts, 1),
    reason,
    serverMessage:
      shown === undefined ? undefined : shown.length > MAX_SERVER_MESSAGE ? `${shown.slice(0, MAX_SERVER_MESSAGE - 1)}…` : shown,
    gaveUp: record.gaveUp,
    requiredScopes: status === 403 ? requiredScopesIn(text) : undefined,
    ...(record.unreachable === undefined || host === undefined ? {} : { unreachable: { host, ...record.unreachable } }),
  };
  // No `cause`: the SDK's error holds the raw answer, which a hostile server could fill with a secret
  // it was sent. Everything worth knowing is in the fields, redacted.
  return createManagementApiError(caller, { ...failure, hint: hint?.(failure) ?? generalHint(failure) });
}
