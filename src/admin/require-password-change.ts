import { resolveJobConfig } from './job-config.js';
import type { RequirePasswordChangeOptions } from './options.js';
import type { PasswordChangeReport } from './report.js';
import { runPasswordChangeJob } from './run-password-change-job.js';

/**
 * Requires a password change at the next sign-in from existing database users — one, a list, or
 * those a user search finds — the way Cognito's, Okta's and Entra ID's administrators can.
 *
 * For each user it reads the user (only database-connection users, `identities[0].provider ===
 * 'auth0'`, are changed; the others are reported as skipped), optionally sets a temporary password,
 * **then** sets `app_metadata[flag] = true` and `app_metadata[flag + 'At']` = the time, taken after
 * the password change. That order matters: the password change fires post-change-password, and a
 * flag set before it would be cleared as "met". Other `app_metadata` keys are left as they are.
 *
 * Requests go through the official `auth0` SDK, paced to `rate` per second, with 429/5xx retried
 * (honouring `retry-after` and `x-ratelimit-reset`). A user that fails (an unknown id: 404) does not
 * stop the others. Wrong credentials reject before any user is read.
 *
 * @returns a report: `done`, `skipped` (with a reason) and `failed` (with the error).
 * @throws OptionsError before any request when an option is wrong, or when a query matches more
 * users than a search can return.
 * @throws ManagementApiError (step `get token`) when no Management API token can be had.
 *
 * @example
 * ```js
 * import { requirePasswordChange } from 'auth0-force-password-reset/admin';
 *
 * const report = await requirePasswordChange({
 *   domain: 'acme.eu.auth0.com',
 *   clientId: process.env.AUTH0_CLIENT_ID,
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET,
 *   users: { query: 'email:*@contractor.example' },
 *   temporaryPassword: process.env.TEMPORARY_PASSWORD,
 * });
 * console.log(report.done.length, report.skipped.length, report.failed.length);
 * ```
 */
export async function requirePasswordChange(options: RequirePasswordChangeOptions): Promise<PasswordChangeReport> {
  return runPasswordChangeJob(resolveJobConfig('requirePasswordChange', options));
}
