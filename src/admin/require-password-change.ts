import { resolveJobConfig } from './job-config.js';
import type { RequirePasswordChangeOptions } from './options.js';
import type { PasswordChangeReport } from './report.js';
import { runPasswordChangeJob } from './run-password-change-job.js';

/**
 * Requires a password change at the next sign-in from existing database users — one, a list, those
 * a user search finds (at most 1000), or every user of the tenant or of a connection (through a
 * users export: any number) — the way Cognito's, Okta's and Entra ID's administrators can.
 *
 * Only database-connection users (`identities[0].provider === 'auth0'`) are changed; the others
 * are reported as skipped, and so are users already flagged who have not changed their password
 * since (the obligation stands; a temporary password aside). For each other user it optionally
 * sets a temporary password, **then** sets `app_metadata[flag] = true` and `app_metadata[flag +
 * 'At']` = the time, taken after the password change. That order matters: the password change
 * fires post-change-password, and a flag set before it would be cleared as "met". Other
 * `app_metadata` keys are left as they are.
 *
 * Selected by id or by a search, each user is read first. From an export, the export says what
 * each user needs: one write — or, with a temporary password, a read (the flag may have changed
 * since the export), the password and the flag. The export is kept compressed in a private
 * temporary file for the run, read as a stream (memory does not grow with the tenant), and removed.
 *
 * Requests go through the official `auth0` SDK, paced to `rate` per second, with 429/5xx retried
 * (honouring `retry-after` and `x-ratelimit-reset`). A user that fails (an unknown id: 404) does not
 * stop the others. Wrong credentials reject before any user is read.
 *
 * @returns a report: `done`, `skipped` (with a reason) and `failed` (with the error), and `counts`.
 * From an export, only the failed users are listed; `onUser` sees every one.
 * @throws OptionsError before any request when an option is wrong, when a query matches more
 * users than a search can return, or when no user belongs to the connection named.
 * @throws ManagementApiError (step `get token`) when no Management API token can be had, or
 * (`export users`, `download export`) when the export fails; `unreachable` when the tenant cannot
 * be reached at all.
 *
 * @example
 * ```js
 * import { requirePasswordChange } from 'auth0-force-password-reset/admin';
 *
 * const report = await requirePasswordChange({
 *   domain: 'acme.eu.auth0.com',
 *   clientId: process.env.AUTH0_CLIENT_ID,
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET,
 *   users: { connection: 'Username-Password-Authentication' }, // or { all: true }, { query: … }, ids
 *   rate: 16,
 *   onUser: (outcome, { completed, total }) => console.log(`${completed}/${total}`, outcome.status),
 * });
 * console.log(report.counts.done, report.counts.skipped, report.failed);
 * ```
 */
export async function requirePasswordChange(options: RequirePasswordChangeOptions): Promise<PasswordChangeReport> {
  return runPasswordChangeJob(resolveJobConfig('requirePasswordChange', options));
}
