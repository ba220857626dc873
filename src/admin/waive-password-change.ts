import { resolveJobConfig } from './job-config.js';
import type { WaivePasswordChangeOptions } from './options.js';
import type { PasswordChangeReport } from './report.js';
import { runPasswordChangeJob } from './run-password-change-job.js';

/**
 * Waives a pending password change: sets `app_metadata[flag]` to `false` for database users (one,
 * a list, or those a user search finds), which the gate reads as "obligation met" — it neither
 * denies them nor flags them at a first login. Users whose flag is already `false` and users of
 * other connections are reported as skipped. Other `app_metadata` keys are left as they are.
 *
 * Same transport, pacing, retries and report as {@link requirePasswordChange}.
 *
 * @throws OptionsError before any request when an option is wrong.
 * @throws ManagementApiError (step `get token`) when no Management API token can be had.
 *
 * @example
 * ```js
 * import { waivePasswordChange } from 'auth0-force-password-reset/admin';
 *
 * const report = await waivePasswordChange({
 *   domain: 'acme.eu.auth0.com',
 *   clientId: process.env.AUTH0_CLIENT_ID,
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET,
 *   users: ['auth0|64b7f0c2a1d3e4f5a6b7c8d9'],
 * });
 * ```
 */
export async function waivePasswordChange(options: WaivePasswordChangeOptions): Promise<PasswordChangeReport> {
  return runPasswordChangeJob(resolveJobConfig('waivePasswordChange', options));
}
