import { resolveJobConfig, type AdminCaller } from '../admin/job-config.js';
import { DOMAIN_EXPECTED, parseTenantDomain } from '../management/domain.js';
import type { RequirePasswordChangeOptions } from '../admin/options.js';
import type { PasswordChangeReport } from '../admin/report.js';
import { runPasswordChangeJob, systemClock, type JobClock } from '../admin/run-password-change-job.js';
import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { DEFAULT_FLAG } from '../obligation/obligation.js';
import { VERSION } from '../version.js';
import { RunLockedError } from './acquire-run-lock.js';
import { helpText, scopesNeeded } from './help-text.js';
import { openStateFile, readFinishedUsers, type StateFile, type StateRecovery } from './open-state-file.js';
import { parseArguments, quote, quotePath, UsageError, type RunArguments } from './parse-arguments.js';
import { createProgressReporter, type OutputStream } from './progress.js';
import { readIdFile } from './read-id-file.js';
import type { StateFileSystem } from './state-file-system.js';

/** The exit codes a script can rely on. */
export const EXIT_CODES = {
  /** Every user done or skipped (or none selected). */
  ok: 0,
  /** At least one user failed; the others were processed. */
  someFailed: 1,
  /** Bad usage or input: nothing was changed. */
  usage: 2,
  /** No token (wrong credentials, wrong domain), or the API refused it. */
  authentication: 3,
  /** Stopped by Ctrl-C (SIGINT) after the user in progress. */
  interrupted: 130,
} as const;

/** What the tool runs with: the process's, or a test's. */
export interface CliEnvironment {
  /** Where AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and the temporary password are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Epoch milliseconds: `<flag>At` and the state file's times. @default Date.now */
  readonly now?: () => number;
  /** How to wait (retries, rate limit). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock in milliseconds, for pacing to `--rate`. @default performance.now */
  readonly monotonic?: () => number;
  /** Stops the run after the user in progress (the bin wires SIGINT to it). */
  readonly signal?: AbortSignal;
  /** The file operations behind `--state`. @default node:fs */
  readonly stateFileSystem?: StateFileSystem;
}

const CREDENTIAL_VARIABLES = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET'] as const;
const NAME = 'auth0-force-password-reset';

/** The tool's names for the options of `/admin` that it fills in. */
const CLI_NAMES: Readonly<Record<string, string>> = {
  'options.users.query': '--query',
  'options.flag': '--flag',
  'options.rate': '--rate',
  'options.domain': 'AUTH0_DOMAIN',
  'options.clientId': 'AUTH0_CLIENT_ID',
  'options.clientSecret': 'AUTH0_CLIENT_SECRET',
  'options.temporaryPassword': 'the temporary password',
};

/**
 * A library error as the tool shows it, rendered from its fields: without the library's prefix and
 * the function's name (noise on a terminal), and with option paths named as the tool's inputs.
 */
function plainMessage(error: OptionsError | ManagementApiError): string {
  if (error instanceof OptionsError) {
    return error.issues.map((issue) => `${CLI_NAMES[issue.path] ?? `"${issue.path}"`} ${issue.expected}`).join('; ');
  }
  return error.detail;
}

interface RunSummary {
  readonly report: PasswordChangeReport;
  readonly earlier: readonly string[];
}

function reportAsJson(run: RunArguments, domain: string, flag: string, { report, earlier }: RunSummary, exitCode: number) {
  return {
    command: run.command,
    domain,
    flag,
    dryRun: report.dryRun,
    done: report.done.map(({ userId, writes, flaggedAt }) => ({ userId, writes, ...(flaggedAt === undefined ? {} : { flaggedAt }) })),
    skipped: report.skipped.map(({ userId, reason, detail }) => ({ userId, reason, detail })),
    failed: report.failed.map(({ userId, error, writes }) => ({
      userId,
      step: error.step,
      status: error.status ?? null,
      message: plainMessage(error),
      writes,
    })),
    earlier,
    interrupted: report.interrupted,
    exitCode,
  };
}

function reportAsText(run: RunArguments, domain: string, flag: string, { report, earlier }: RunSummary): string {
  const lines: string[] = [];
  // The variable's name is shown only here, once it named a variable that is set: a password typed
  // in its place names none, and is refused without being repeated.
  const password = run.temporaryPasswordEnv === undefined ? '' : `, temporary password from $${run.temporaryPasswordEnv}`;
  lines.push(`${report.dryRun ? 'Dry run, nothing written: ' : ''}${run.command} on ${domain} (flag ${flag}${password})`);
  const row = (label: string, count: number) => `  ${label.padEnd(13)}${String(count).padStart(5)}`;
  lines.push(row(report.dryRun ? 'would change' : 'done', report.done.length));
  lines.push(row('skipped', report.skipped.length));
  for (const { userId, detail } of report.skipped) lines.push(`    ${userId}  ${detail}`);
  lines.push(row('failed', report.failed.length));
  for (const { userId, error, writes } of report.failed) {
    const written = writes.length > 0 ? ` (already written: ${writes.join(', ')}; run again)` : '';
    lines.push(`    ${userId}  ${plainMessage(error)}${written}`);
  }
  if (earlier.length > 0) lines.push(`${row('earlier', earlier.length)}  done or skipped by an earlier run (${run.state})`);
  if (report.interrupted) lines.push('Interrupted: the users not listed above were not touched.');
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
  const progress = createProgressReporter(stderr);
  let earlier: string[] = [];

  // 1. Everything that can be checked without the tenant, before anything is read or written.
  let run: RunArguments;
  let domain: string;
  let flag: string;
  let caller: AdminCaller;
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
    run = commandLine.run;
    const missing = CREDENTIAL_VARIABLES.filter((name) => (env[name] ?? '').trim() === '');
    if (missing.length > 0) {
      return usageError(
        `set ${missing.join(', ')} in the environment: the canonical tenant domain, and the client id and secret of an M2M application with ${scopesNeeded(run.command)}`,
      );
    }
    const parsedDomain = parseTenantDomain(env['AUTH0_DOMAIN'] as string);
    // Never quoted: swapped environment variables put the client secret here.
    if ('problem' in parsedDomain) return usageError(`AUTH0_DOMAIN ${parsedDomain.problem}: it must be ${DOMAIN_EXPECTED}`);
    domain = parsedDomain.host;
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
      domain,
      clientId: env['AUTH0_CLIENT_ID'] as string,
      clientSecret: env['AUTH0_CLIENT_SECRET'] as string,
      users,
      flag,
      dryRun: run.dryRun,
      ...(run.rate === undefined ? {} : { rate: run.rate }),
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      ...(temporaryPassword === undefined ? {} : { temporaryPassword }),
      onStart: ({ userIds, excluded }) => {
        earlier = [...excluded];
        const source = current.query === undefined ? '' : ' matching the query';
        const resumed = excluded.length > 0 ? `, ${excluded.length} more done or skipped by an earlier run` : '';
        const mode = current.dryRun ? ' (dry run: nothing will be written)' : '';
        stderr.write(`${current.command}: ${userIds.length} user${userIds.length === 1 ? '' : 's'}${source} on ${domain}${resumed}${mode}\n`);
        progress.start(userIds.length);
      },
      onUser: async (outcome, position) => {
        const message = outcome.status === 'failed' ? plainMessage(outcome.error) : '';
        if (state !== undefined) await state.record(outcome, message);
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
    const identity = { command: run.command, domain, flag };
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
  const closeState = async () => {
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
      stderr.write(`${NAME}: ${plainMessage(error)}\n`);
      if (error.step === 'get token') return EXIT_CODES.authentication;
      if (error.step === 'search users' && (error.status === 401 || error.status === 403)) return EXIT_CODES.authentication;
      if (error.step === 'search users' && error.status === 400) return EXIT_CODES.usage;
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
  const summary = { report, earlier };
  stdout.write(
    run.json ? `${JSON.stringify(reportAsJson(run, domain, flag, summary, exitCode), null, 2)}\n` : reportAsText(run, domain, flag, summary),
  );
  return exitCode;
}
