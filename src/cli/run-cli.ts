import { resolveJobConfig } from '../admin/job-config.js';
import { DOMAIN_EXPECTED, parseTenantDomain } from '../management/domain.js';
import type { RequirePasswordChangeOptions } from '../admin/options.js';
import type { PasswordChangeReport } from '../admin/report.js';
import { runPasswordChangeJob, systemClock, type JobClock } from '../admin/run-password-change-job.js';
import { ManagementApiError } from '../errors/management-api-error.js';
import { escapeControlCharacters, terminalSafeJson } from '../internal/control-characters.js';
import { OptionsError } from '../errors/options-error.js';
import { DEFAULT_FLAG } from '../obligation/obligation.js';
import { VERSION } from '../version.js';
import { RunLockedError } from './acquire-run-lock.js';
import { AuditWriteError, defaultAuditLogPath, openAuditLog, touchedUser, type AuditLog } from './audit-log.js';
import { EXIT_CODES, exitCodeOf, plainMessage, unreachableMessage } from './cli-messages.js';
import { helpText, scopesNeeded } from './help-text.js';
import { openStateFile, readFinishedUsers, type StateFile, type StateRecovery } from './open-state-file.js';
import { parseArguments, quote, quotePath, UsageError, type CliCommand, type RunArguments } from './parse-arguments.js';
import { createProgressReporter, formatDuration, type OutputStream } from './progress.js';
import { readIdFile } from './read-id-file.js';
import { runIdentityOf } from './run-identity.js';
import { runFileStatusCommand, runStatusCommand } from './run-status.js';
import type { StateFileSystem } from './state-file-system.js';

export { EXIT_CODES } from './cli-messages.js';

/** What the tool runs with: the process's, or a test's. */
export interface CliEnvironment {
  /** Where AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and the temporary password are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Epoch milliseconds: `<flag>At`, the state file's times, and "today" for status. @default Date.now */
  readonly now?: () => number;
  /** How to wait (retries, rate limit, an export). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock in milliseconds, for pacing to `--rate` and the progress's rates. @default performance.now */
  readonly monotonic?: () => number;
  /** Stops the run after the user in progress (the bin wires SIGINT to it). */
  readonly signal?: AbortSignal;
  /** The file operations behind `--state`. @default node:fs */
  readonly stateFileSystem?: StateFileSystem;
}

const CREDENTIAL_VARIABLES = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'] as const;
/** `/admin`'s default `rate`, for the dry run's estimate of the time. */
const DEFAULT_RATE = 2;
const NAME = 'auth0-force-password-reset';

/** The tenant and the M2M application, from the environment. */
export interface CliCredentials {
  /**
   * `AUTH0_DOMAIN` as given, for `/admin`'s `domain` option: `/admin` parses it, so the tool and the
   * library read one string one way (`https://127.0.0.1:PORT` stays HTTPS; keeping only the host used
   * to turn it into plain HTTP, the default of a loopback host without a scheme).
   */
  readonly domain: string;
  /** Its host (and port): what messages and the state file name. */
  readonly host: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The credentials from the environment, or the message that says which are missing or wrong —
 * never repeating a value (swapped variables put the client secret in AUTH0_DOMAIN).
 */
function credentialsFrom(env: CliEnvironment['env'], command: CliCommand): CliCredentials | { readonly problem: string } {
  const missing = CREDENTIAL_VARIABLES.filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) {
    return {
      problem: `set ${missing.join(', ')} in the environment: the canonical tenant domain, and the client id and secret of an M2M application with ${scopesNeeded(command)}`,
    };
  }
  const parsedDomain = parseTenantDomain(env['AUTH0_DOMAIN'] as string);
  if ('problem' in parsedDomain) return { problem: `AUTH0_DOMAIN ${parsedDomain.problem}: it must be ${DOMAIN_EXPECTED}` };
  return {
    domain: env['AUTH0_DOMAIN'] as string,
    host: parsedDomain.host,
    clientId: env['AUTH0_CLIENT_ID'] as string,
    clientSecret: env['AUTH0_CLIENT_SECRET'] as string,
  };
}

interface RunSummary {
  readonly report: PasswordChangeReport;
  /** The audit log written, and how many lines this run added. */
  readonly audit: { readonly path: string; readonly lines: number } | undefined;
  /** The users an earlier run finished: listed for ids and a search, counted for an export. */
  readonly earlier: readonly string[];
  readonly earlierCount: number;
}

function reportAsJson(run: RunArguments, domain: string, flag: string, { report, earlier, earlierCount, audit }: RunSummary, exitCode: number) {
  return {
    command: run.command,
    domain,
    flag,
    dryRun: report.dryRun,
    // From an export only the failed users are listed; the counts are complete either way.
    source: report.source,
    counts: {
      done: report.counts.done,
      skipped: report.counts.skipped,
      failed: report.counts.failed,
      earlier: earlierCount,
      overriddenWaivers: report.overriddenWaivers,
    },
    done: report.done.map(({ userId, writes, flaggedAt, waivedAt }) => ({
      userId,
      writes,
      ...(flaggedAt === undefined ? {} : { flaggedAt }),
      ...(waivedAt === undefined ? {} : { waivedAt }),
    })),
    skipped: report.skipped.map(({ userId, reason, detail }) => ({ userId, reason, detail })),
    failed: report.failed.map(({ userId, error, writes }) => ({
      userId,
      step: error.step,
      status: error.status ?? null,
      message: plainMessage(error),
      writes,
    })),
    earlier,
    requests: report.requests,
    ...(report.plannedRequests === undefined ? {} : { plannedRequests: report.plannedRequests }),
    ...(audit === undefined ? {} : { auditLog: audit }),
    interrupted: report.interrupted,
    exitCode,
  };
}

function reportAsText(run: RunArguments, domain: string, flag: string, { report, earlierCount, audit }: RunSummary): string {
  const lines: string[] = [];
  // The variable's name is shown only here, once it named a variable that is set: a password typed
  // in its place names none, and is refused without being repeated.
  const password = run.temporaryPasswordEnv === undefined ? '' : `, temporary password from $${run.temporaryPasswordEnv}`;
  const sessions = run.revokeSessions ? ', sessions and refresh tokens revoked' : '';
  lines.push(`${report.dryRun ? 'Dry run, nothing written: ' : ''}${run.command} on ${domain} (flag ${flag}${password}${sessions})`);
  const row = (label: string, count: number) => `  ${label.padEnd(13)}${count.toLocaleString('en').padStart(5)}`;
  lines.push(row(report.dryRun ? 'would change' : 'done', report.counts.done));
  lines.push(row('skipped', report.counts.skipped));
  for (const { userId, detail } of report.skipped) lines.push(`    ${escapeControlCharacters(userId)}  ${escapeControlCharacters(detail)}`);
  lines.push(row('failed', report.counts.failed));
  for (const { userId, error, writes } of report.failed) {
    const written = writes.length > 0 ? ` (already written: ${writes.join(', ')}; run again)` : '';
    lines.push(`    ${escapeControlCharacters(userId)}  ${plainMessage(error)}${written}`);
  }
  if (earlierCount > 0) lines.push(`${row('earlier', earlierCount)}  done or skipped by an earlier run (${run.state})`);
  const { overriddenWaivers } = report;
  if (overriddenWaivers > 0) {
    lines.push(
      `Note: ${overriddenWaivers} of the users ${report.dryRun ? 'that would change' : 'done'} had been waived by an administrator (${flag}WaivedAt) and ${report.dryRun ? 'would be' : 'were'} required again; --skip-waived-since <time> leaves those waived after that time alone.`,
    );
  }
  if (report.plannedRequests !== undefined) {
    const rate = run.rate ?? DEFAULT_RATE;
    const planned = report.plannedRequests;
    lines.push(
      `A real run would make ${planned.toLocaleString('en')} Management API request${planned === 1 ? '' : 's'} for these users (the token, a search or an export aside): about ${formatDuration((planned / rate) * 1000)} at --rate ${rate}.`,
    );
  }
  if (audit !== undefined) lines.push(`Audit log: ${audit.lines.toLocaleString('en')} line${audit.lines === 1 ? '' : 's'} added to ${quotePath(audit.path)}, one per user written to.`);
  if (report.interrupted) lines.push('Interrupted: the users not counted above were not touched.');
  if ((report.failed.length > 0 || report.interrupted) && !report.dryRun) {
    lines.push(
      run.state === undefined
        ? 'To continue, run again with the users not done (next time, --state <file> makes a run resumable).'
        : `Run the same command again to continue: ${run.state} skips the users already done.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const codeOf = (error: unknown) => String((error as { code?: unknown } | undefined)?.code ?? 'failed');
const isSystemError = (error: unknown): error is Error => error instanceof Error && 'syscall' in error;

async function selectUsers(run: RunArguments): Promise<RequirePasswordChangeOptions['users']> {
  if (run.all) return { all: true };
  if (run.connection !== undefined) return { connection: run.connection };
  if (run.query !== undefined) return { query: run.query };
  if (run.file !== undefined) return readIdFile(run.file);
  return run.userIds;
}

/** Why a state file cannot be used now, from the lock's fields. */
function lockedMessage(path: string, { refusal, holder, lockPath }: RunLockedError): string {
  const named = `--state ${quotePath(path)}`;
  switch (refusal) {
    case 'running':
      return `${named} is in use by another run (${holder === undefined ? `see ${quotePath(lockPath)}` : `pid ${holder.pid}, started ${holder.startedAt}`}): wait for it to finish, or stop it with Ctrl-C; two runs on one state file would lose each other's records`;
    case 'other-host':
      return `${named} is in use by a run on another machine (${holder === undefined ? 'unknown' : `pid ${holder.pid} on ${quote(holder.host, 64)}, started ${holder.startedAt}`}): if that run is over, remove ${quotePath(lockPath)} and run again`;
    case 'unreadable':
      return `${named} is locked, but its lock file ${quotePath(lockPath)} cannot be read: if no other run is using this state file, remove the lock file and run again`;
  }
}

/** What opening the state file repaired after a run that did not end well, for stderr. */
function recoveryNotes(path: string, { staleLock, journalRecords, tornRecord, temporaryFiles }: StateRecovery): string[] {
  const named = `--state ${quotePath(path)}`;
  const notes: string[] = [];
  if (staleLock !== undefined) {
    notes.push(`${named} was locked by a run that no longer exists (pid ${staleLock.pid}, started ${staleLock.startedAt}): taking it over`);
  }
  if (journalRecords > 0 || tornRecord) {
    const cut = tornRecord ? '; its last record was cut short, so that user will be processed again' : '';
    notes.push(`the previous run on ${named} did not finish: its journal's ${journalRecords} outcome${journalRecords === 1 ? ' is' : 's are'} now in the state file${cut}`);
  }
  if (temporaryFiles > 0) {
    notes.push(`removed ${temporaryFiles} temporary file${temporaryFiles === 1 ? '' : 's'} of an interrupted rewrite of ${named}`);
  }
  return notes;
}

/**
 * The command-line tool, callable in-process: `argv` without the node and script paths. Resolves to
 * the exit code; never rejects for a problem of the input or the tenant (those are messages on
 * stderr and exit codes). The bin (`dist/cli.js`) is this with the process's values.
 *
 * @example
 * ```js
 * const code = await runCli(['require-change', 'auth0|64b7…', '--dry-run'], {
 *   env: process.env, stdout: process.stdout, stderr: process.stderr,
 * });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliEnvironment): Promise<number> {
  const { env, stdout, stderr } = io;
  const clock: JobClock = {
    now: io.now ?? systemClock.now,
    monotonic: io.monotonic ?? systemClock.monotonic,
    sleep: io.sleep ?? systemClock.sleep,
  };
  const refuse = (message: string) => {
    stderr.write(`${NAME}: ${message}\n`);
    return EXIT_CODES.usage;
  };
  const usageError = (message: string) => refuse(`${message}\nRun ${NAME} --help for the usage.`);
  const progress = createProgressReporter(stderr, clock.monotonic);
  let earlier: readonly string[] = [];
  let earlierCount = 0;
  let processed = 0;
  let audit: AuditLog | undefined;
  let audited = 0;

  // 1. Everything that can be checked without the tenant, before anything is read or written.
  let run: RunArguments;
  let domain: string;
  let flag: string;
  let caller: 'requirePasswordChange' | 'waivePasswordChange';
  let options: RequirePasswordChangeOptions;
  let state: StateFile | undefined;
  try {
    const commandLine = parseArguments(argv);
    if (commandLine.kind === 'help') {
      stdout.write(helpText(commandLine.command));
      return EXIT_CODES.ok;
    }
    if (commandLine.kind === 'version') {
      stdout.write(`${VERSION}\n`);
      return EXIT_CODES.ok;
    }
    if (commandLine.kind === 'status' && (commandLine.status.state !== undefined || commandLine.status.auditLog !== undefined)) {
      return await runFileStatusCommand(commandLine.status, io);
    }
    const command = commandLine.kind === 'status' ? commandLine.status.command : commandLine.run.command;
    const credentials = credentialsFrom(env, command);
    if ('problem' in credentials) return usageError(credentials.problem);
    if (commandLine.kind === 'status') return await runStatusCommand(commandLine.status, credentials, { ...io, clock, progress });
    run = commandLine.run;
    domain = credentials.host;
    let temporaryPassword: string | undefined;
    if (run.temporaryPasswordEnv !== undefined) {
      temporaryPassword = env[run.temporaryPasswordEnv];
      if (temporaryPassword === undefined || temporaryPassword === '') {
        // The variable's name is not repeated: it may be the password itself, typed in the wrong place.
        return usageError('the environment variable named by --temporary-password-from-env is not set, or is empty');
      }
    }
    flag = run.flag ?? DEFAULT_FLAG;
    const users = await selectUsers(run);
    const current = run;
    caller = run.command === 'require-change' ? 'requirePasswordChange' : 'waivePasswordChange';
    options = {
      domain: credentials.domain,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      users,
      flag,
      dryRun: run.dryRun,
      ...(run.rate === undefined ? {} : { rate: run.rate }),
      ...(run.concurrency === undefined ? {} : { concurrency: run.concurrency }),
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      ...(temporaryPassword === undefined ? {} : { temporaryPassword }),
      ...(run.skipWaivedSince === undefined ? {} : { skipWaivedSince: run.skipWaivedSince }),
      ...(run.revokeSessions ? { revokeSessions: true } : {}),
      onExport: (update) => progress.exportProgress(update),
      onWait: (wait) => progress.wait(wait),
      onStart: ({ source, total, excludedCount, excluded, requestsExpected, waiversToOverride }) => {
        earlier = excluded;
        earlierCount = excludedCount;
        const from = source === 'query' ? ' matching the query' : source === 'export' ? (current.connection === undefined ? ' (every user)' : ` of connection ${current.connection}`) : '';
        const resumed = excludedCount > 0 ? `, ${excludedCount.toLocaleString('en')} more done or skipped by an earlier run` : '';
        const mode = current.dryRun ? ' (dry run: nothing will be written)' : '';
        // A dry run makes none for its users; its report ends with what a real run would make.
        const cost = requestsExpected === undefined || current.dryRun ? '' : `; ${requestsExpected.toLocaleString('en')} Management API request${requestsExpected === 1 ? '' : 's'} expected`;
        stderr.write(`${current.command}: ${total.toLocaleString('en')} user${total === 1 ? '' : 's'}${from} on ${domain}${resumed}${mode}${cost}\n`);
        if (waiversToOverride !== undefined && waiversToOverride.count > 0) {
          const { count, latestAt } = waiversToOverride;
          stderr.write(
            `${NAME}: warning: ${count.toLocaleString('en')} of these users ${count === 1 ? 'was' : 'were'} waived by an administrator (${flag}WaivedAt, the latest at ${latestAt ?? '?'}) and will be required again; ` +
              `to leave them alone, stop now (Ctrl-C) and run with --skip-waived-since <time>${current.state === undefined ? '' : ' and another --state file'}\n`,
          );
        }
        progress.start({ total, requestsExpected, eachUser: source !== 'export' });
      },
      onUser: async (outcome, position) => {
        const message = outcome.status === 'failed' ? plainMessage(outcome.error) : '';
        // The audit line first: a user the state file says is done always has one.
        if (audit !== undefined && touchedUser(outcome)) {
          await audit.record(outcome, message).catch((error: unknown) => {
            throw new AuditWriteError(error);
          });
          audited += 1;
        }
        if (state !== undefined) await state.record(outcome, message);
        processed += 1;
        progress.user(outcome, position, message);
      },
    };
    // Every option is checked now, before the state file is locked or written.
    resolveJobConfig(caller, options);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    if (error instanceof OptionsError) return usageError(plainMessage(error));
    throw error;
  }

  // 2. The state file: locked for the run — or, in a dry run, only read.
  let exclude: readonly string[] = [];
  if (run.state !== undefined) {
    const identity = runIdentityOf(run, domain, flag);
    try {
      if (run.dryRun) {
        exclude = [...(await readFinishedUsers(run.state, identity, io.stateFileSystem))];
      } else {
        state = await openStateFile(run.state, identity, {
          now: clock.now,
          ...(io.stateFileSystem === undefined ? {} : { fs: io.stateFileSystem }),
        });
        exclude = [...state.finished];
        for (const note of recoveryNotes(run.state, state.recovery)) stderr.write(`${NAME}: note: ${note}\n`);
      }
    } catch (error) {
      if (error instanceof UsageError) return usageError(error.message);
      if (error instanceof RunLockedError) return refuse(lockedMessage(run.state, error));
      if (isSystemError(error)) return usageError(`cannot ${run.dryRun ? 'read' : 'write'} --state ${quotePath(run.state)}: ${codeOf(error)}`);
      throw error;
    }
  }
  // The audit log: next to the state file unless named; none in a dry run, which touches nobody.
  const auditPath = run.dryRun ? undefined : (run.auditLog ?? (run.state === undefined ? undefined : defaultAuditLogPath(run.state)));
  if (auditPath !== undefined) {
    try {
      audit = await openAuditLog(auditPath, {
        command: run.command,
        domain,
        flag,
        clientId: options.clientId,
        now: clock.now,
        ...(io.stateFileSystem === undefined ? {} : { fs: io.stateFileSystem }),
      });
    } catch (error) {
      await state?.close().catch(() => {});
      if (isSystemError(error)) return usageError(`cannot write --audit-log ${quotePath(auditPath)}: ${codeOf(error)}`);
      throw error;
    }
  }
  const closeAudit = async () => {
    try {
      await audit?.close();
    } catch (error) {
      stderr.write(`${NAME}: could not finish writing --audit-log ${quotePath(audit?.path ?? '')} (${codeOf(error)})\n`);
    }
  };
  const closeState = async () => {
    await closeAudit();
    try {
      await state?.close();
    } catch (error) {
      const path = state?.path ?? '';
      stderr.write(
        `${NAME}: could not rewrite --state ${quotePath(path)} (${codeOf(error)}); its journal ${quotePath(`${path}.journal`)} keeps every outcome, and the next run with this file reads it\n`,
      );
    }
  };

  // 3. The run.
  let report: PasswordChangeReport;
  try {
    report = await runPasswordChangeJob(resolveJobConfig(caller, { ...options, exclude }), clock);
  } catch (error) {
    progress.finish();
    await closeState();
    if (error instanceof OptionsError) return usageError(plainMessage(error));
    if (error instanceof ManagementApiError) {
      const kept = state === undefined ? '' : ` (${quotePath(state.path)} keeps them: run the same command again to continue)`;
      const what = processed === 0 ? 'no user was changed' : `stopped after ${processed.toLocaleString('en')} user${processed === 1 ? '' : 's'}${kept}`;
      // A refused revocation stops the run: say how far it got, as for a tenant that went away.
      const after = error.step === 'revoke sessions' ? ` (${what})` : '';
      stderr.write(`${NAME}: ${error.unreachable === undefined ? `${plainMessage(error)}${after}` : unreachableMessage(error.unreachable, error.step, what)}\n`);
      return exitCodeOf(error);
    }
    if (error instanceof AuditWriteError) {
      stderr.write(`${NAME}: cannot write --audit-log ${quotePath(audit?.path ?? '')} (${codeOf(error.cause)}); stopped — the users reported above were processed\n`);
      return EXIT_CODES.someFailed;
    }
    if (isSystemError(error) && state !== undefined) {
      stderr.write(`${NAME}: cannot write --state ${quotePath(state.path)} (${codeOf(error)}); stopped — the users reported above were processed\n`);
      return EXIT_CODES.someFailed;
    }
    throw error;
  }
  progress.finish();
  await closeState();
  const exitCode = report.interrupted ? EXIT_CODES.interrupted : report.failed.length > 0 ? EXIT_CODES.someFailed : EXIT_CODES.ok;
  const summary = { report, earlier, earlierCount, audit: audit === undefined ? undefined : { path: audit.path, lines: audited } };
  stdout.write(
    run.json ? `${terminalSafeJson(JSON.stringify(reportAsJson(run, domain, flag, summary, exitCode), null, 2))}\n` : reportAsText(run, domain, flag, summary),
  );
  return exitCode;
}
