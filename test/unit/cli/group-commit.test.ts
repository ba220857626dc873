import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../src/cli/group-commit.js';
import type { WritableFile } from '../../../src/cli/state-file-system.js';

/** A file whose every fsync waits until the test lets it return. */
function slowDisk() {
  const operations: string[] = [];
  const syncs: (() => void)[] = [];
  let failNextSync: Error | undefined;
  const file: WritableFile = {
    append: async (text) => void operations.push(`append ${JSON.stringify(text)}`),
    sync: () =>
      new Promise<void>((resolve, reject) => {
        operations.push('sync');
        const failure = failNextSync;
        failNextSync = undefined;
        syncs.push(() => (failure === undefined ? resolve() : reject(failure)));
      }),
    close: async () => void operations.push('close'),
  };
  return {
    file,
    operations,
    /** Lets the oldest fsync return; then lets the file work on. */
    async finishSync() {
      syncs.shift()?.();
      // Every promise reaction that follows runs before the next macrotask.
      await new Promise((resolve) => setImmediate(resolve));
    },
    failNext: (error: Error) => void (failNextSync = error),
  };
}

/** Which of these promises have settled, and how. */
function watch(promises: Promise<void>[]) {
  const states = promises.map(() => 'pending');
  promises.forEach((promise, index) =>
    promise.then(
      () => void (states[index] = 'written'),
      () => void (states[index] = 'failed'),
    ),
  );
  return states;
}

describe('group commit', () => {
  it('writes the first line at once; lines that arrive during its fsync share the next; each is reported only once an fsync covers it', async () => {
    const disk = slowDisk();
    const journal = createGroupCommit(disk.file);
    const states = watch([journal.append('a\n'), journal.append('b\n'), journal.append('c\n'), journal.append('d\n')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(disk.operations).toEqual(['append "a\\n"', 'sync']);
    expect(states).toEqual(['pending', 'pending', 'pending', 'pending']);

    await disk.finishSync();
    expect(states).toEqual(['written', 'pending', 'pending', 'pending']);
    expect(disk.operations).toEqual(['append "a\\n"', 'sync', 'append "b\\nc\\nd\\n"', 'sync']);

    const last = watch([journal.append('e\n')]);
    await disk.finishSync();
    expect([...states, ...last]).toEqual(['written', 'written', 'written', 'written', 'pending']);
    await disk.finishSync();
    expect(last).toEqual(['written']);
    const closing = journal.close();
    await closing;
    expect(disk.operations).toEqual(['append "a\\n"', 'sync', 'append "b\\nc\\nd\\n"', 'sync', 'append "e\\n"', 'sync', 'close']);
  });

  it('one line at a time costs one write and one fsync each', async () => {
    const writes: string[] = [];
    const journal = createGroupCommit({ append: async (text) => void writes.push(text), sync: async () => void writes.push('sync'), close: async () => {} });
    for (const line of ['a\n', 'b\n', 'c\n']) await journal.append(line);
    expect(writes).toEqual(['a\n', 'sync', 'b\n', 'sync', 'c\n', 'sync']);
  });

  it('fails the lines of a group whose fsync failed, those queued behind it, and every later line', async () => {
    const disk = slowDisk();
    const journal = createGroupCommit(disk.file);
    const first = watch([journal.append('a\n')]);
    await new Promise((resolve) => setImmediate(resolve));
    // The next fsync fails: the one of the group after "a".
    disk.failNext(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await disk.finishSync();
    const states = watch([journal.append('b\n'), journal.append('c\n')]);
    const queued = watch([journal.append('d\n')]);
    await new Promise((resolve) => setImmediate(resolve));
    await disk.finishSync();
    expect(first).toEqual(['written']);
    expect(states).toEqual(['failed', 'failed']);
    expect(queued).toEqual(['failed']);
    await expect(journal.append('e\n')).rejects.toMatchObject({ code: 'EIO' });
  });
});
