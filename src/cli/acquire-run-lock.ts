import { parseJsonObject } from './parse-json-object.js';
import type { StateFileSystem } from './state-file-system.js';

/** Who holds a lock: what its file says. */
export interface LockHolder {
  readonly pid: number;
  /** `os.hostname()` of the machine the run is on: a pid means something only there. */
  readonly host: string;
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
}

/** Why a lock could not be taken. */
export type LockRefusal =
  /** Another run on this machine holds it, and its process exists. */
  | 'running'
  /** A run on another machine holds it (a shared disk): whether it still runs cannot be checked from here. */
  | 'other-host'
  /** The lock file says nothing readable (written by something else, or cut short): nothing can be checked. */
  | 'unreadable';

/** The lock is held by another run. Carries the holder, so the tool's message is rendered from fields. */
export class RunLockedError extends Error {
  override name = 'RunLockedError' as const;

  constructor(
    readonly lockPath: string,
    readonly refusal: LockRefusal,
    readonly holder: LockHolder | undefined,
  ) {
    super(`${lockPath} is held by another run (${refusal})`);
  }
}

/** An exclusive lock, held until released. */
export interface RunLock {
  /** The lock of a run whose process no longer exists, which this one took over; otherwise `undefined`. */
  readonly tookOverFrom: LockHolder | undefined;
  /** Removes the lock file — if it is still this run's. */
  release(): Promise<void>;
}

/** How to take a lock. */
export interface RunLockOptions {
  readonly fs: StateFileSystem;
  /** This run, as the lock file will say. */
  readonly holder: LockHolder;
  /** Whether a process of this machine exists (`process.kill(pid, 0)`). */
  readonly isRunning: (pid: number) => boolean;
}

/** `process.kill(pid, 0)` sends nothing and says whether the process exists: ESRCH means it does not. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as { code?: unknown }).code !== 'ESRCH';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  const { pid, host, startedAt } = parseJsonObject(text) ?? {};
  // Never 0 or negative: kill(0) and kill(-1) address process groups, not a process.
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined;
  // The start time is printed in messages: only the ISO 8601 time this tool writes, nothing else.
  if (typeof host !== 'string' || typeof startedAt !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(startedAt)) return undefined;
  return { pid: pid as number, host, startedAt };
}

const MAX_ATTEMPTS = 5;

/**
 * Takes an exclusive lock for a run: a file created with `wx` (it fails when the file exists),
 * holding the pid, the host name and the start time. When the file exists, its holder is checked:
 * a process that still exists (or one on another host, or a file that says nothing) keeps the lock
 * and this run is refused; a process of this host that no longer exists left it behind (killed,
 * or the machine went down), and the lock is taken over.
 *
 * Two runs taking over the same stale lock at the same moment: each re-reads the file just before
 * removing it and removes it only if it still names the dead run, so the second sees the first's
 * lock instead. (A window of a few system calls remains; file locks offer nothing better on every
 * platform Node runs on.)
 *
 * @throws RunLockedError when another run holds the lock.
 */
export async function acquireRunLock(lockPath: string, { fs, holder, isRunning }: RunLockOptions): Promise<RunLock> {
  const content = `${JSON.stringify(holder)}\n`;
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    try {
      const file = await fs.open(lockPath, 'wx');
      try {
        await file.append(content);
        await file.sync();
      } catch (error) {
        await file.close();
        await fs.remove(lockPath);
        throw error;
      }
      await file.close();
      return {
        tookOverFrom,
        async release() {
          if ((await fs.readText(lockPath)) === content) await fs.remove(lockPath);
        },
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const text = await fs.readText(lockPath);
    if (text === undefined) continue; // released meanwhile
    const other = parseHolder(text);
    if (other === undefined) throw new RunLockedError(lockPath, 'unreadable', undefined);
    if (other.host !== holder.host) throw new RunLockedError(lockPath, 'other-host', other);
    if (isRunning(other.pid)) throw new RunLockedError(lockPath, 'running', other);
    if ((await fs.readText(lockPath)) === text) {
      await fs.remove(lockPath);
      tookOverFrom = other;
    }
  }
  // Taken over by others again and again: someone holds it now.
  throw new RunLockedError(lockPath, 'running', parseHolder((await fs.readText(lockPath)) ?? ''));
}
