import { ForcePasswordResetError } from './force-password-reset-error.js';

/**
 * The Management API step that failed. The clearer uses the first three; the administrator tools
 * (`auth0-force-password-reset/admin`) also search users and set temporary passwords.
 */
export type ManagementApiStep = 'get token' | 'read user' | 'update user' | 'set password' | 'search users';

/**
 * A Management API request of the clearer or of the administrator tools failed for good (after
 * retries). The message names the step and the HTTP status (or the network failure) — never the
 * token, the secret or a password.
 */
export class ManagementApiError extends ForcePasswordResetError {
  override name = 'ManagementApiError' as const;
  /** Which request failed. */
  readonly step: ManagementApiStep;
  /** The last HTTP status received, if any response arrived. */
  readonly status: number | undefined;
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(
    message: string,
    details: { step: ManagementApiStep; status: number | undefined; attempts: number },
    options?: { cause?: unknown },
  ) {
    super('ERR_MANAGEMENT_API', message, options);
    this.step = details.step;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}
