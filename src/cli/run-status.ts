import { resolveStatusConfig } from '../admin/job-config.js';
import type { JobClock } from '../admin/open-admin-client.js';
import type { PasswordChangeStatusOptions } from '../admin/options.js';
import { runPasswordChangeStatus, type PasswordChangeStatus, type PasswordStatusCounts } from '../admin/password-change-status.js';
import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { DEFAULT_FLAG } from '../obligation/obligation.js';
import { EXIT_CODES, exitCodeOf, plainMessage, unreachableMessage } from './cli-messages.js';
import { defaultAuditLogPath, readAuditSummary, type AuditSummary } from './audit-log.js';
import { readStateSummary, type StateSummary } from './open-state-file.js';
import { UsageError, quotePath, type StatusArguments } from './parse-arguments.js';
import type { OutputStream, ProgressReporter } from './progress.js';
import { describeRun, identityRecord } from './run-identity.js';
import { escapeControlCharacters, terminalSafeJson } from '../internal/control-characters.js';
import { nodeFileSystem, type StateFileSystem } from './state-file-system.js';

const NAME = 'auth0-force-password-reset';

/** What `status` runs with. */
export interface StatusEnvironment {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly fetch?: typeof globalThis.fetch;
  readonly signal?: AbortSignal;
  readonly clock: JobClock;
  readonly progress: ProgressReporter;
}

/** The columns of the table, in order, with what each counts. */
const COLUMNS: readonly (readonly [keyof PasswordStatusCounts, string])[] = [
  ['databaseUsers', 'users'],
  ['flagged', 'flagged'],
  ['flaggedChangedSince', 'changed'],
  ['flagFalse', 'flag false'],
  ['stoppedByFlag', 'by flag'],
  ['stoppedByRules', 'by rules'],
  ['stopped', 'stopped'],
];

const LEGEND = `flagged: the flag is set; changed: of those, changed the password since (the gate clears the flag
at their next login); flag false: met and cleared, or waived; by flag, by rules: stopped today by
the flag, by the rules; stopped: by either.`;

function rulesLine({ passwordsSetBefore, maxPasswordAgeDays }: PasswordChangeStatus['rules']): string {
  const rules = [
    ...(passwordsSetBefore === undefined ? [] : [`passwords set before ${passwordsSetBefore}`]),
    ...(maxPasswordAgeDays === undefined ? [] : [`passwords older than ${maxPasswordAgeDays} day${maxPasswordAgeDays === 1 ? '' : 's'}`]),
  ];
  return rules.length === 0 ? 'Rules: none given (--passwords-set-before, --max-password-age-days)' : `Rules: ${rules.join('; ')}`;
}

/** The status as a table: one row per database connection, then the total. */
export function statusAsText(status: PasswordChangeStatus): string {
  // Connection names come from the export: the tenant's words.
  const rows: (readonly [string, PasswordStatusCounts])[] = status.connections.map((counts) => [escapeControlCharacters(counts.connection), counts]);
  if (status.connections.length !== 1) rows.push(['all database connections', status.total]);
  const cells = rows.map(([name, counts]) => [name, ...COLUMNS.map(([key]) => counts[key].toLocaleString('en'))]);
  const header = ['connection', ...COLUMNS.map(([, label]) => label)];
  const widths = header.map((title, index) => Math.max(title.length, ...cells.map((row) => (row[index] as string).length)));
  const line = (row: readonly string[]) =>
    row.map((cell, index) => (index === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[index] as number))).join('  ').trimEnd();
  const connection = status.connection === undefined ? '' : `, connection ${status.connection}`;
  return [
    `Password change status of ${status.domain} (flag ${status.flag}${connection}) at ${status.at}, from users export ${escapeControlCharacters(status.jobId)}`,
    rulesLine(status.rules),
    '',
    line(header),
    ...cells.map(line),
    '',
    `other users (social, enterprise, passwordless: no Auth0 password, never stopped): ${status.otherUsers.toLocaleString('en')}`,
    LEGEND,
    '',
  ].join('\n');
}

/** `auth0-force-password-reset status`: the numbers from a users export, as a table or JSON. */
export async function runStatusCommand(
  args: StatusArguments,
  credentials: { readonly domain: string; readonly clientId: string; readonly clientSecret: string },
  io: StatusEnvironment,
): Promise<number> {
  const { stdout, stderr, progress } = io;
  const options: PasswordChangeStatusOptions = {
    domain: credentials.domain,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    flag: args.flag ?? DEFAULT_FLAG,
    ...(args.connection === undefined ? {} : { connection: args.connection }),
    ...(args.passwordsSetBefore === undefined ? {} : { passwordsSetBefore: args.passwordsSetBefore }),
    ...(args.maxPasswordAgeDays === undefined ? {} : { maxPasswordAgeDays: args.maxPasswordAgeDays }),
    ...(args.rate === undefined ? {} : { rate: args.rate }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    onExport: (update) => progress.exportProgress(update),
    onWait: (wait) => progress.wait(wait),
  };
  let status: PasswordChangeStatus;
  try {
    status = await runPasswordChangeStatus(resolveStatusConfig(options), io.clock);
  } catch (error) {
    if (error instanceof OptionsError) {
      stderr.write(`${NAME}: ${plainMessage(error)}\nRun ${NAME} --help for the usage.\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ManagementApiError) {
      stderr.write(`${NAME}: ${error.unreachable === undefined ? plainMessage(error) : unreachableMessage(error.unreachable, error.step, 'nothing was read')}\n`);
      return exitCodeOf(error);
    }
    if (io.signal?.aborted === true) {
      stderr.write(`${NAME}: interrupted before the export was read: no status\n`);
      return EXIT_CODES.interrupted;
    }
    throw error;
  }
  stdout.write(args.json ? `${terminalSafeJson(JSON.stringify(status, null, 2))}\n` : statusAsText(status));
  return EXIT_CODES.ok;
}

/** A state file's run and counts, as `status --state` prints them. */
export function stateSummaryAsText({ path, identity, counts, lastRecordedAt, journalRecords }: StateSummary): string {
  const row = (label: string, value: string) => `  ${label.padEnd(15)}${value}`;
  const lines = [
    `--state ${quotePath(path)} belongs to: ${describeRun(identity)}`,
    row('done', counts.done.toLocaleString('en')),
    row('skipped', counts.skipped.toLocaleString('en')),
    row('failed', counts.failed.toLocaleString('en')),
    ...(lastRecordedAt === undefined ? [] : [row('last recorded', lastRecordedAt)]),
  ];
  if (journalRecords > 0) {
    lines.push(`${journalRecords.toLocaleString('en')} of these outcomes are still in its journal: a run is under way, or the last one did not finish (the next run folds them in)`);
  }
  return `${lines.map(escapeControlCharacters).join('\n')}\n`;
}

/** An audit log summed up, as `status` prints it. */
export function auditSummaryAsText({ path, records, unreadable, runs, users, outcomes, first, last, by, recent }: AuditSummary): string {
  const count = (value: number) => value.toLocaleString('en');
  const lines = [
    `--audit-log ${quotePath(path)}: ${count(records)} line${records === 1 ? '' : 's'} for ${count(users)} user${users === 1 ? '' : 's'} in ${count(runs)} run${runs === 1 ? '' : 's'}` +
      `${first === undefined ? '' : `, ${first} to ${last ?? first}`}`,
    `  done ${count(outcomes.done)}, failed ${count(outcomes.failed)}${unreadable === 0 ? '' : `; ${count(unreadable)} line${unreadable === 1 ? '' : 's'} not readable (not shown)`}`,
    ...by.map((actor) => `  by client ${actor.clientId}, ${actor.osUser} on ${actor.host}: ${count(actor.records)}`),
  ];
  if (recent.length > 0) {
    lines.push(`  the latest ${recent.length}:`);
    for (const record of recent) {
      const failure = record.failure === undefined ? '' : ` — ${record.failure.message}`;
      lines.push(`    ${record.at}  ${record.command}  ${record.userId}  ${record.outcome} (${record.writes.join(', ') || 'nothing written'})${failure}`);
    }
  }
  // A file anyone with access may have edited: nothing in it reaches the terminal raw.
  return `${lines.map(escapeControlCharacters).join('\n')}\n`;
}

/**
 * `auth0-force-password-reset status --state <file>` and/or `--audit-log <file>`: which run a state
 * file belongs to and how far it got; what its audit log (next to it unless named) says. No request.
 */
export async function runFileStatusCommand(
  args: StatusArguments,
  io: { readonly stdout: OutputStream; readonly stderr: OutputStream; readonly stateFileSystem?: StateFileSystem | undefined },
): Promise<number> {
  const fs = io.stateFileSystem ?? nodeFileSystem;
  let summary: StateSummary | undefined;
  let audit: AuditSummary | undefined;
  try {
    if (args.state !== undefined) summary = await readStateSummary(args.state, fs);
    const auditPath = args.auditLog ?? (args.state === undefined ? undefined : defaultAuditLogPath(args.state));
    // The default one may not be there (a run without touched users, or before this version).
    if (auditPath !== undefined && (args.auditLog !== undefined || (await fs.exists(auditPath)))) audit = await readAuditSummary(auditPath, fs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${NAME}: ${error.message}\nRun ${NAME} --help for the usage.\n`);
    return EXIT_CODES.usage;
  }
  if (args.json) {
    const state =
      summary === undefined
        ? {}
        : { state: summary.path, run: identityRecord(summary.identity), counts: summary.counts, lastRecordedAt: summary.lastRecordedAt ?? null, journalRecords: summary.journalRecords };
    io.stdout.write(`${terminalSafeJson(JSON.stringify({ ...state, auditLog: audit ?? null }, null, 2))}\n`);
  } else {
    const noAudit = summary !== undefined && audit === undefined ? `no audit log next to it (${quotePath(defaultAuditLogPath(summary.path))})\n` : '';
    io.stdout.write(`${summary === undefined ? '' : stateSummaryAsText(summary)}${noAudit}${audit === undefined ? '' : auditSummaryAsText(audit)}`);
  }
  return EXIT_CODES.ok;
}
