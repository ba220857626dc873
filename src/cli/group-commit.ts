import type { WritableFile } from './state-file-system.js';

/** A file of lines, each durable once its `append` resolves; several share one `fsync`. */
export interface GroupCommitFile {
  /**
   * Appends `line` (ending with `\n`) and resolves once it is on the disk: once an `fsync` that
   * began after it was written has returned. Rejects when that write or `fsync` failed, and so does
   * every later call: a file that lost a line is not written to again.
   */
  append(line: string): Promise<void>;
  /** Waits for the lines appended so far, then closes the file. */
  close(): Promise<void>;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: lines that arrive while a write and its `fsync` are under way wait for the next
 * one, which takes them all at once. One line at a time still costs one write and one `fsync` (the
 * first line goes at once); many at a time cost one of each per group, so the lines a file takes
 * per second are no longer bounded by one per `fsync` — while each line is still reported durable
 * only once it is. A caller that holds back its next step until its line is durable (the run holds
 * a user's place) keeps exactly the guarantee one `fsync` per line gave it.
 */
export function createGroupCommit(file: WritableFile): GroupCommitFile {
  let queued: { text: string; waiters: Waiter[] } | undefined;
  /** Whether a flush is under way; cleared as its loop ends, before anyone it resolved can append again. */
  let flushing = false;
  let latest: Promise<void> = Promise.resolve();
  let failure: { readonly error: unknown } | undefined;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queued !== undefined) {
        const group = queued;
        queued = undefined;
        try {
          await file.append(group.text);
          await file.sync();
        } catch (error) {
          failure = { error };
          // Lines queued during the failed write fail with it: they were never written.
          const later = (queued as typeof group | undefined)?.waiters ?? [];
          for (const waiter of [...group.waiters, ...later]) waiter.reject(error);
          queued = undefined;
          return;
        }
        for (const waiter of group.waiters) waiter.resolve();
      }
    } finally {
      flushing = false;
    }
  }

  return {
    append(line) {
      if (failure !== undefined) return Promise.reject(failure.error);
      return new Promise<void>((resolve, reject) => {
        if (queued === undefined) queued = { text: line, waiters: [{ resolve, reject }] };
        else {
          queued.text += line;
          queued.waiters.push({ resolve, reject });
        }
        if (!flushing) latest = flush();
      });
    },
    async close() {
      await latest;
      await file.close();
    },
  };
}
