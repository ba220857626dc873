import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { UserOutcome } from '../admin/report.js';
import { isRecord } from '../obligation/obligation.js';
import { acquireRunLock, isProcessRunning, type LockHolder } from './acquire-run-lock.js';
import { quotePath, UsageError } from './parse-arguments.js';
import { parseJsonObject } from './parse-json-object.js';
import { describeRun, identityRecord, isSameRun, parseRunIdentity, type RunIdentity } from './run-identity.js';
import { createGroupCommit, type GroupCommitFile } from './group-commit.js';
import { nodeFileSystem, type StateFileSystem } from './state-file-system.js';

export type { RunIdentity } from './run-identity.js';

/** What the state file keeps of one user. Never a password, a secret or a token. */
export interface StateEntry {
  readonly status: UserOutcome['status'];
  /** When the outcome was recorded, ISO 8601. */
  readonly at: string;
  /** `skipped`: why. */
  readonly reason?: string;
  /** `failed`: the error message. */
  readonly error?: string;
}

interface StateDocument {
  readonly tool: typeof TOOL;
  readonly version: typeof VERSION;
  readonly users: Record<string, StateEntry>;
}

/** What opening a state file found of a run that did not end well, and repaired. */
export interface StateRecovery {
  /** The lock of a run whose process no longer exists, taken over. */
  readonly staleLock: LockHolder | undefined;
  /** Outcomes recorded in the journal of a run that did not finish, now in the state file. */
  readonly journalRecords: number;
  /**
   * The journal's last record was cut short (its run died while writing it): it is ignored, and
   * that user is processed again — as the user in progress at a kill always is.
   */
  readonly tornRecord: boolean;
  /** Temporary files of a rewrite that was interrupted, removed. */
  readonly temporaryFiles: number;
}

/** A run's state file, open and locked. */
export interface StateFile {
  readonly path: string;
  /** Users a previous run finished (done or skipped): a re-run leaves them alone. Failed ones are retried. */
  readonly finished: ReadonlySet<string>;
  readonly recovery: StateRecovery;
  /**
   * Appends one user's outcome to the journal and resolves once it is on the disk: a constant cost
   * per user. Outcomes recorded while a flush is under way share the next one (group commit).
   */
  record(outcome: UserOutcome, message: string | undefined): Promise<void>;
  /**
   * Rewrites the state file with every outcome (once per run, not once per user), removes the
   * journal and releases the lock. Should the rewrite fail, the journal keeps every outcome and the
   * next run's start reads it; the lock is released either way.
   */
  close(): Promise<void>;
}

/** How a state file is reached: the seams tests use. */
export interface StateFileOptions {
  /** Epoch milliseconds: the records' times and the lock's start time. */
  readonly now: () => number;
  /** @default the node:fs operations */
  readonly fs?: StateFileSystem;
  /** This run, as its lock says. @default process.pid and os.hostname() */
  readonly pid?: number;
  readonly host?: string;
  /** @default process.kill(pid, 0) */
  readonly isRunning?: (pid: number) => boolean;
}

const TOOL = 'auth0-force-password-reset';
/** 2: the file records its whole run (the users selected, what is written), not only command, tenant and flag. */
const VERSION = 2;
/** The rewrite appends in pieces of about this many characters. */
const WRITE_CHUNK = 64 * 1024;
const STATUSES: ReadonlySet<string> = new Set<StateEntry['status']>(['done', 'skipped', 'failed']);

/** The files next to `run.json`: the lock, the journal, and the temporary files of a rewrite. */
const companions = (path: string) => ({
  lock: `${path}.lock`,
  journal: `${path}.journal`,
  // Recognisable, so that a start can remove what a killed rewrite left behind.
  temporary: () => `${path}.compact-${randomBytes(6).toString('hex')}.tmp`,
  isTemporary: (name: string) => name.startsWith(basename(path)) && /^\.compact-[0-9a-f]{12}\.tmp$/.test(name.slice(basename(path).length)),
});

function isStateDocument(value: Record<string, unknown> | undefined): value is Record<string, unknown> & StateDocument {
  if (value === undefined) return false;
  const document = value as Partial<StateDocument>;
  return document.tool === TOOL && isRecord(document.users);
}

/**
 * The run a state file's text belongs to, and its users' entries.
 *
 * @throws UsageError when the text is not a state file of this tool, or of another version of it.
 */
function parseStateDocument(named: string, text: string): { readonly identity: RunIdentity; readonly users: Record<string, StateEntry> } {
  const parsed = parseJsonObject(text);
  if (!isStateDocument(parsed)) throw new UsageError(`${named} is not a state file of this tool; give a new path, or remove the file`);
  const identity = parsed.version === VERSION ? parseRunIdentity(parsed) : undefined;
  if (identity === undefined) {
    throw new UsageError(`${named} was written by another version of this tool and does not say which run it belongs to in a form this one reads; give a new path`);
  }
  return { identity, users: parsed.users };
}

/** One line of the journal: `{"userId":"auth0|…","status":"done","at":"…"}`. */
function parseJournalRecord(line: string): [string, StateEntry] | undefined {
  const { userId, status, at, reason, error } = parseJsonObject(line) ?? {};
  if (typeof userId !== 'string' || typeof at !== 'string' || !STATUSES.has(status as string)) return undefined;
  const entry: StateEntry = {
    status: status as StateEntry['status'],
    at,
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof error === 'string' ? { error } : {}),
  };
  return [userId, entry];
}

function entryOf(outcome: UserOutcome, message: string | undefined, at: string): StateEntry {
  switch (outcome.status) {
    case 'skipped':
      return { status: 'skipped', at, reason: outcome.reason };
    case 'failed':
      return { status: 'failed', at, error: message ?? outcome.error.message };
    case 'done':
      return { status: 'done', at };
  }
}

interface LoadedState {
  readonly exists: boolean;
  /** The run the state file records; `undefined` when there is no state file. */
  readonly identity: RunIdentity | undefined;
  /** Every user's latest outcome: the state file's, then the journal's in order. */
  readonly users: Map<string, StateEntry>;
  /** `undefined` when there is no journal. */
  readonly journal: { readonly records: number; readonly torn: boolean } | undefined;
}

/**
 * Reads the state file and its journal, if any. With `identity`, a state file of another run is
 * refused; without, any run's is read (for `status`).
 */
async function loadState(fs: StateFileSystem, path: string, identity: RunIdentity | undefined): Promise<LoadedState> {
  let recorded: RunIdentity | undefined;
  const named = `--state ${quotePath(path)}`;
  const readText = async (file: string) => {
    try {
      return await fs.readText(file);
    } catch (error) {
      throw new UsageError(`cannot read ${named}: ${String((error as { code?: unknown }).code ?? error)}`);
    }
  };
  const users = new Map<string, StateEntry>();
  const text = await readText(path);
  if (text !== undefined) {
    const parsed = parseStateDocument(named, text);
    if (identity !== undefined && !isSameRun(parsed.identity, identity)) {
      // Its "done" users are that run's: this one would leave them alone without having done them.
      throw new UsageError(
        `${named} belongs to another run: ${describeRun(parsed.identity)}. This run is ${describeRun(identity)}: give it a state file of its own (another --state path); to continue the other run, run its command again`,
      );
    }
    recorded = parsed.identity;
    for (const [userId, entry] of Object.entries(parsed.users)) users.set(userId, entry);
  }

  const journalPath = companions(path).journal;
  const journalText = await readText(journalPath);
  if (journalText === undefined) return { exists: text !== undefined, identity: recorded, users, journal: undefined };
  if (text === undefined) {
    throw new UsageError(`${named} is missing, but its journal ${quotePath(journalPath)} is there: restore the state file, or remove the journal to start afresh`);
  }
  const lines = journalText.split('\n');
  // Every record ends with "\n": what follows the last one is a record cut short by a kill, or nothing.
  const torn = (lines.pop() as string) !== '';
  for (const [index, line] of lines.entries()) {
    const record = parseJournalRecord(line);
    if (record === undefined) {
      throw new UsageError(
        `${named}: line ${index + 1} of its journal ${quotePath(journalPath)} is damaged; move the journal aside to go on without it (the users it recorded would then be processed again)`,
      );
    }
    users.set(...record);
  }
  return { exists: true, identity: recorded, users, journal: { records: lines.length, torn } };
}

const finishedUsers = (users: ReadonlyMap<string, StateEntry>) =>
  new Set([...users].filter(([, entry]) => entry?.status === 'done' || entry?.status === 'skipped').map(([userId]) => userId));

/**
 * The users a state file says are finished, for a dry run: read only, no lock taken, nothing written.
 *
 * @throws UsageError when the file is not a state file of this tool, or belongs to another run.
 */
export async function readFinishedUsers(path: string, identity: RunIdentity, fs: StateFileSystem = nodeFileSystem): Promise<ReadonlySet<string>> {
  return finishedUsers((await loadState(fs, path, identity)).users);
}

/** What a state file says of its run, for `status --state`. */
export interface StateSummary {
  readonly path: string;
  readonly identity: RunIdentity;
  /** Each user's latest outcome, counted. */
  readonly counts: { readonly done: number; readonly skipped: number; readonly failed: number };
  /** The latest time an outcome was recorded, ISO 8601. */
  readonly lastRecordedAt: string | undefined;
  /** Outcomes still in the journal: a run is under way, or one did not finish (the next start folds them in). */
  readonly journalRecords: number;
}

/**
 * Reads a state file (and its journal) without taking its lock or writing anything: which run it
 * belongs to, and how far it got. A run in progress may be adding to it meanwhile.
 *
 * @throws UsageError when there is no such file, or it is not a state file of this tool.
 */
export async function readStateSummary(path: string, fs: StateFileSystem = nodeFileSystem): Promise<StateSummary> {
  const loaded = await loadState(fs, path, undefined);
  if (loaded.identity === undefined) throw new UsageError(`--state ${quotePath(path)}: no such file`);
  const counts = { done: 0, skipped: 0, failed: 0 };
  let lastRecordedAt: string | undefined;
  for (const entry of loaded.users.values()) {
    if (STATUSES.has(entry?.status)) counts[entry.status] += 1;
    if (typeof entry?.at === 'string' && (lastRecordedAt === undefined || entry.at > lastRecordedAt)) lastRecordedAt = entry.at;
  }
  return { path, identity: loaded.identity, counts, lastRecordedAt, journalRecords: loaded.journal?.records ?? 0 };
}

/**
 * Opens (or starts) the state file of a run, locked for the run: a second run on the same file is
 * refused ({@link RunLockedError}), a lock left by a process that no longer exists is taken over.
 *
 * Each user's outcome is appended to a journal (`<path>.journal`, one JSON line) and flushed to the
 * disk before it counts as recorded — the outcomes of users who finish together share one flush —
 * a constant cost per user, where rewriting the whole file after
 * every user cost time quadratic in the number of users. Nor does the run keep its outcomes in
 * memory: the file itself is rewritten once, at {@link StateFile.close} — the earlier runs' users,
 * then the journal read back line by line — or at the next start, when a run died before it could: into a temporary
 * file (`<path>.compact-<hex>.tmp`), flushed, renamed over the state file, and only then is the
 * journal removed. An interruption at any point leaves a state file and a journal that together say
 * everything; a start removes the temporary files a killed rewrite left behind.
 *
 * @throws UsageError when the file is not a state file of this tool, belongs to another run, or its
 *   journal is damaged; RunLockedError when another run holds it.
 */
export async function openStateFile(path: string, identity: RunIdentity, options: StateFileOptions): Promise<StateFile> {
  const { now, fs = nodeFileSystem, isRunning = isProcessRunning } = options;
  const files = companions(path);
  const holder: LockHolder = {
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    startedAt: new Date(now()).toISOString(),
  };
  const lock = await acquireRunLock(files.lock, { fs, holder, isRunning });
  let users: Map<string, StateEntry>;
  let recovery: StateRecovery;
  let journal: GroupCommitFile;

  /**
   * Writes the state file anew: the users kept in memory (those of earlier runs that this run has
   * not recorded again), then — at the end of a run — this run's journal, read back line by line.
   * Streamed in pieces, so that a run over 100,000 users never holds them all: in the same layout
   * as `JSON.stringify(document, null, 2)`.
   */
  async function rewrite(journalToo: boolean): Promise<void> {
    const temporary = files.temporary();
    const file = await fs.open(temporary, 'wx');
    try {
      let pending = `${JSON.stringify({ tool: TOOL, version: VERSION, ...identityRecord(identity) }, null, 2).slice(0, -2)},\n  "users": {`;
      let entries = 0;
      const add = async (userId: string, entry: StateEntry) => {
        pending += `${entries === 0 ? '' : ','}\n    ${JSON.stringify(userId)}: ${JSON.stringify(entry, null, 2).replaceAll('\n', '\n    ')}`;
        entries += 1;
        if (pending.length >= WRITE_CHUNK) {
          await file.append(pending);
          pending = '';
        }
      };
      for (const [userId, entry] of users) await add(userId, entry);
      if (journalToo) {
        // One user is recorded once in a run; were one recorded twice, its last record would win,
        // as JSON.parse reads a key given twice.
        for await (const line of fs.readLines(files.journal)) {
          const record = parseJournalRecord(line);
          if (record !== undefined) await add(...record);
        }
      }
      await file.append(`${pending}${entries === 0 ? '}' : '\n  }'}\n}\n`);
      await file.sync();
      await file.close();
      await fs.rename(temporary, path);
    } catch (error) {
      await file.close().catch(() => {});
      await fs.remove(temporary).catch(() => {});
      throw error;
    }
    // The rename is made durable before the journal goes: a power cut in between leaves both.
    await fs.syncDirectory(dirname(path));
    await fs.remove(files.journal);
  }

  try {
    let temporaryFiles = 0;
    for (const name of await fs.list(dirname(path))) {
      if (!files.isTemporary(name)) continue;
      await fs.remove(join(dirname(path), name));
      temporaryFiles += 1;
    }
    const loaded = await loadState(fs, path, identity);
    users = loaded.users;
    recovery = {
      staleLock: lock.tookOverFrom,
      journalRecords: loaded.journal?.records ?? 0,
      tornRecord: loaded.journal?.torn ?? false,
      temporaryFiles,
    };
    // Written now, before any user: the run learns at once that it cannot write here, the file
    // says which run it belongs to, and this run's journal starts empty.
    if (!loaded.exists || (loaded.journal !== undefined && (loaded.journal.records > 0 || loaded.journal.torn))) await rewrite(false);
    else if (loaded.journal !== undefined) await fs.remove(files.journal);
    journal = createGroupCommit(await fs.open(files.journal, 'a'));
  } catch (error) {
    await lock.release();
    throw error;
  }

  let recorded = 0;
  let closed = false;
  return {
    path,
    finished: finishedUsers(users),
    recovery,
    async record(outcome, message) {
      const entry = entryOf(outcome, message, new Date(now()).toISOString());
      // Resolves once an fsync has covered the record. The fsync is what keeps a power cut from
      // losing a "done" — which a re-run would otherwise redo, setting the temporary password again
      // over the one the user has chosen since. One fsync per user held a run to one user per fsync
      // whatever its rate (179 users/s at --rate 300 with a 3 ms fsync): records that arrive while
      // one is under way now share the next (createGroupCommit), and each is still reported written
      // only once it is — the run holds the user's place until then, so a resumed run may assume
      // what it always could.
      await journal.append(`${JSON.stringify({ userId: outcome.userId, ...entry })}\n`);
      // The journal holds it now, and the rewrite reads it back from there: memory stays flat.
      users.delete(outcome.userId);
      recorded += 1;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await journal.close();
        if (recorded > 0) await rewrite(true);
        else await fs.remove(files.journal);
      } finally {
        await lock.release();
      }
    },
  };
}
