import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { UserOutcome } from '../admin/report.js';
import { isRecord } from '../obligation/obligation.js';
import { createGroupCommit, type GroupCommitFile } from './group-commit.js';
import { quotePath, UsageError, type ChangeCommand } from './parse-arguments.js';
import { parseJsonObject } from './parse-json-object.js';
import { nodeFileSystem, type StateFileSystem } from './state-file-system.js';

/** Who ran a command: the M2M application it ran as, and the person (the account on this machine). */
export interface AuditActor {
  /** The M2M application's client id (not a secret; the secret is never written). */
  readonly clientId: string;
  /** The operating system's user name on the machine that ran it. */
  readonly osUser: string;
  readonly host: string;
}

/**
 * One line of the audit log: a user the tool touched. Only what an auditor asks (when, who, what,
 * to whom, with what outcome) — never a password, a token or a secret.
 */
export interface AuditRecord {
  /** When the outcome was known, ISO 8601. */
  readonly at: string;
  /** One run's lines share it: a resumed run is a new run. */
  readonly runId: string;
  readonly by: AuditActor;
  readonly command: ChangeCommand;
  readonly domain: string;
  readonly flag: string;
  readonly userId: string;
  readonly outcome: 'done' | 'failed';
  /** What was written, in order: `password` (never the password), `app_metadata` keys, `sessions`. */
  readonly writes: readonly string[];
  /** `failed`: the step that failed, its HTTP status and the message (secrets redacted). */
  readonly failure?: { readonly step: string; readonly status: number | null; readonly message: string };
}

/**
 * Whether an outcome touched the user: something was written, or a write was attempted (a failure
 * past the read). A user skipped, or whose read failed, was not touched; nor is anyone in a dry run.
 */
export function touchedUser(outcome: UserOutcome): outcome is Extract<UserOutcome, { status: 'done' | 'failed' }> {
  if (outcome.status === 'done') return !outcome.dryRun;
  if (outcome.status === 'failed') return outcome.writes.length > 0 || outcome.error.step !== 'read user';
  return false;
}

/** The account running this process; `unknown` where the system has no name for it. */
export function osUserName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  try {
    return userInfo().username;
  } catch {
    // A container's uid may have no passwd entry.
    return env['USER'] ?? env['LOGNAME'] ?? env['USERNAME'] ?? 'unknown';
  }
}

/** What an audit log needs to know of its run. */
export interface AuditRun {
  readonly command: ChangeCommand;
  readonly domain: string;
  readonly flag: string;
  readonly clientId: string;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** @default osUserName() */
  readonly osUser?: string;
  /** @default os.hostname() */
  readonly host?: string;
  /** @default node:fs */
  readonly fs?: StateFileSystem;
}

/** An audit log, open for a run: append-only. */
export interface AuditLog {
  readonly path: string;
  /** Appends the line of a user the run touched (see {@link touchedUser}); resolves once it is on the disk. */
  record(outcome: UserOutcome, message: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (or creates, mode 0600) an audit log for appending: one JSON line per user touched, each
 * flushed to the disk (`fsync`, lines that arrive together sharing one) before the user counts as
 * recorded. Never rewritten, never truncated: several runs, and several state files, may share one.
 */
export async function openAuditLog(path: string, run: AuditRun): Promise<AuditLog> {
  const fs = run.fs ?? nodeFileSystem;
  const by: AuditActor = { clientId: run.clientId, osUser: run.osUser ?? osUserName(), host: run.host ?? hostname() };
  const runId = randomBytes(8).toString('hex');
  const file: GroupCommitFile = createGroupCommit(await fs.open(path, 'a'));
  return {
    path,
    async record(outcome, message) {
      if (!touchedUser(outcome)) return;
      const record: AuditRecord = {
        at: new Date(run.now()).toISOString(),
        runId,
        by,
        command: run.command,
        domain: run.domain,
        flag: run.flag,
        userId: outcome.userId,
        outcome: outcome.status,
        writes: outcome.writes,
        ...(outcome.status === 'failed' ? { failure: { step: outcome.error.step, status: outcome.error.status ?? null, message } } : {}),
      };
      await file.append(`${JSON.stringify(record)}\n`);
    },
    close: () => file.close(),
  };
}

/** A line of the audit log could not be written: the run stops (its cause is the system's error). */
export class AuditWriteError extends Error {
  override name = 'AuditWriteError' as const;

  constructor(cause: unknown) {
    super('the audit log could not be written', { cause });
  }
}

/** `<state>.audit.jsonl`: where a run with `--state` keeps its audit log unless `--audit-log` says. */
export const defaultAuditLogPath = (statePath: string) => `${statePath}.audit.jsonl`;

/** An audit log, summed up for `status`. */
export interface AuditSummary {
  readonly path: string;
  /** Lines read as records. */
  readonly records: number;
  /** Lines that are not records (cut short by a kill, or written by something else): counted, never shown. */
  readonly unreadable: number;
  readonly runs: number;
  /** Users with at least one line. */
  readonly users: number;
  readonly outcomes: { readonly done: number; readonly failed: number };
  readonly first: string | undefined;
  readonly last: string | undefined;
  /** Lines per actor. */
  readonly by: readonly (AuditActor & { readonly records: number })[];
  /** The latest lines, oldest first. */
  readonly recent: readonly AuditRecord[];
}

const RECENT = 10;
/** A tenant's users are many; the set of ids seen is not kept past this many (the count then says "at least"). */
const MAX_DISTINCT_USERS = 1_000_000;

function parseAuditRecord(line: string): AuditRecord | undefined {
  const value = parseJsonObject(line);
  if (value === undefined) return undefined;
  const { at, runId, by, command, domain, flag, userId, outcome, writes } = value;
  const strings = [at, runId, domain, flag, userId].every((field) => typeof field === 'string');
  if (!strings || (command !== 'require-change' && command !== 'waive') || (outcome !== 'done' && outcome !== 'failed')) return undefined;
  if (!isRecord(by) || typeof by['clientId'] !== 'string' || typeof by['osUser'] !== 'string' || typeof by['host'] !== 'string') return undefined;
  if (!Array.isArray(writes) || !writes.every((write) => typeof write === 'string')) return undefined;
  return value as unknown as AuditRecord;
}

/**
 * Reads an audit log as a stream (it may hold a tenant's worth of lines) and sums it up.
 *
 * @throws UsageError when there is no such file.
 */
export async function readAuditSummary(path: string, fs: StateFileSystem = nodeFileSystem): Promise<AuditSummary> {
  if (!(await fs.exists(path))) throw new UsageError(`--audit-log ${quotePath(path)}: no such file`);
  let records = 0;
  let unreadable = 0;
  const runs = new Set<string>();
  const users = new Set<string>();
  const outcomes = { done: 0, failed: 0 };
  let first: string | undefined;
  let last: string | undefined;
  const actors = new Map<string, AuditActor & { records: number }>();
  const recent: AuditRecord[] = [];
  for await (const line of fs.readLines(path)) {
    if (line === '') continue;
    const record = parseAuditRecord(line);
    if (record === undefined) {
      unreadable += 1;
      continue;
    }
    records += 1;
    runs.add(record.runId);
    if (users.size < MAX_DISTINCT_USERS) users.add(record.userId);
    outcomes[record.outcome] += 1;
    if (first === undefined || record.at < first) first = record.at;
    if (last === undefined || record.at > last) last = record.at;
    const key = JSON.stringify([record.by.clientId, record.by.osUser, record.by.host]);
    const actor = actors.get(key) ?? { clientId: record.by.clientId, osUser: record.by.osUser, host: record.by.host, records: 0 };
    actor.records += 1;
    actors.set(key, actor);
    recent.push(record);
    if (recent.length > RECENT) recent.shift();
  }
  return { path, records, unreadable, runs: runs.size, users: users.size, outcomes, first, last, by: [...actors.values()], recent };
}
