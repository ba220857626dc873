import { ManagementApiError, type ManagementApiStep } from '../errors/management-api-error.js';
import type { RequestOutcome } from './resilient-fetch.js';

const STEP_TEXT: Record<ManagementApiStep, (subject: string) => string> = {
  'get token': () => 'getting a Management API token',
  'read user': (userId) => `reading user "${userId}"`,
  'update user': (userId) => `updating user "${userId}"`,
  'set password': (userId) => `setting the password of user "${userId}"`,
  'search users': () => 'searching users',
};

/** The error text Auth0 put in the response body, if any, without anything secret. */
function serverMessage(error: unknown, secrets: readonly string[]): string {
  const body = (error as { body?: unknown } | undefined)?.body;
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (typeof body === 'object' && body !== null) {
    const fields = body as { error_description?: unknown; message?: unknown; error?: unknown };
    const candidate = fields.error_description ?? fields.message ?? fields.error;
    if (typeof candidate === 'string') text = candidate;
  }
  if (text === undefined || text.length === 0) return '';
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[redacted]');
  return ` (${text.length > 120 ? `${text.slice(0, 119)}…` : text})`;
}

/** The HTTP status on an `auth0` SDK error, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export interface FailureDetails {
  /** Who failed, e.g. `createPasswordResetClearer`: the message starts with it. */
  caller: string;
  step: ManagementApiStep;
  /** The user id the step was about, if any. */
  subject: string;
  /** What the SDK threw. */
  error: unknown;
  /** What the resilient fetch saw of the step's last request. */
  outcome: RequestOutcome;
  /** Values to redact from any text the server sent back (the client secret, the token…). */
  secrets: readonly string[];
  /** What the caller advises for this step and status, e.g. ` — grant … scopes`, or `''`. */
  hint: (step: ManagementApiStep, status: number | undefined) => string;
}

/**
 * The error for a Management API step that failed for good, shared by the clearer and the
 * administrator tools: it names the step and the HTTP status (or the network failure), the number of
 * attempts and why retrying stopped — never the token, the secret or a password.
 */
export function managementApiFailure(details: FailureDetails): ManagementApiError {
  const { caller, step, subject, error, outcome, secrets, hint } = details;
  // When no response arrived, a status on the SDK's error is its own invention (408 for a timeout).
  const status = outcome.status ?? (outcome.failure === undefined ? statusOf(error) : undefined);
  const what =
    outcome.status === undefined && outcome.failure !== undefined
      ? outcome.failure
      : status === undefined
        ? 'request failed'
        : `HTTP ${status}`;
  const attempts = Math.max(outcome.attempts, 1);
  const message =
    `${caller}: ${STEP_TEXT[step](subject)} failed: ${what}` +
    `${outcome.status === undefined ? '' : serverMessage(error, secrets)}` +
    ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` +
    `${outcome.gaveUp === undefined ? '' : ` (gave up: ${outcome.gaveUp})`}${hint(step, status)}`;
  return new ManagementApiError(message, { step, status, attempts });
}
