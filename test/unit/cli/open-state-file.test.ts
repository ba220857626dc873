import { describe, expect, it } from 'vitest';
import type { UserOutcome } from '../../../src/admin/report.js';
import { RunLockedError } from '../../../src/cli/acquire-run-lock.js';
import { openStateFile, readFinishedUsers, type StateFileOptions } from '../../../src/cli/open-state-file.js';
import { UsageError } from '../../../src/cli/parse-arguments.js';
import { createManagementApiError } from '../../../src/management/management-api-failure.js';
import { createMemoryFileSystem, type FileOperation, type MemoryFileSystem } from '../../helpers/memory-file-system.js';

const PATH = '/runs/run.json';
const JOURNAL = '/runs/run.json.journal';
const LOCK = '/runs/run.json.lock';
const IDENTITY = {
  command: 'require-change',
  domain: 'acme.eu.auth0.com',
  flag: 'needsPasswordReset',
  selection: { file: '/runs/ids.txt' },
  writes: {},
} as const;
const STARTED_AT = '2026-03-01T10:00:00.000Z';
const HOST = 'build-7';

/** Ids of one length, so that every record is the same size. */
const userId = (n: number) => `auth0|${String(n).padStart(24, '0')}`;
const done = (id: string): UserOutcome => ({ status: 'done', userId: id, writes: ['needsPasswordReset', 'needsPasswordResetAt'], dryRun: false });
const skipped = (id: string): UserOutcome => ({ status: 'skipped', userId: id, reason: 'not-database-user', detail: 'primary identity is google-oauth2' });
const failed = (id: string): UserOutcome => ({
  status: 'failed',
  userId: id,
  writes: [],
  error: createManagementApiError('requirePasswordChange', {
    step: 'read user', userId: id, status: 503, attempts: 5, reason: 'HTTP 503', serverMessage: 'Service Unavailable',
    gaveUp: undefined, requiredScopes: undefined, hint: undefined,
  }),
});

function open(fs: MemoryFileSystem, options: Partial<StateFileOptions> = {}) {
  return openStateFile(PATH, IDENTITY, { now: () => Date.parse(STARTED_AT), fs, pid: 4242, host: HOST, isRunning: () => true, ...options });
}

const stateDocument = (fs: MemoryFileSystem) =>
  JSON.parse(fs.files.get(PATH) ?? 'null') as { users: Record<string, { status: string; error?: string; reason?: string }> } | null;

async function lockRefusal(promise: Promise<unknown>): Promise<RunLockedError> {
  const error = await promise.then(() => undefined, (rejection: unknown) => rejection);
  expect(error).toBeInstanceOf(RunLockedError);
  return error as RunLockedError;
}

describe('the journal: a constant cost per user', () => {
  // CPU-bound, well under a second alone: the timeout is for a busy 2-core CI machine.
  it('records each of 20,000 outcomes with one append of the same size and one fsync, and rewrites the state file once, at the end', { timeout: 30_000 }, async () => {
    const fs = createMemoryFileSystem();
    const state = await open(fs);
    const costs = new Set<string>();
    let recordBytes = 0;
    for (let n = 0; n < 20_000; n += 1) {
      const before = fs.operations.length;
      await state.record(done(userId(n)), undefined);
      const operations = fs.operations.slice(before);
      costs.add(JSON.stringify(operations));
      for (const operation of operations) if (operation.op === 'append') recordBytes += operation.bytes;
    }
    // The 20,000th user costs what the first did: the same two operations, the same bytes.
    expect([...costs].map((cost) => JSON.parse(cost) as FileOperation[])).toEqual([
      [
        { op: 'append', path: JOURNAL, bytes: 92 },
        { op: 'sync', path: JOURNAL },
      ],
    ]);
    expect(recordBytes).toBe(20_000 * 92);

    const before = fs.operations.length;
    await state.close();
    const closing = fs.operations.slice(before);
    expect(closing.filter((operation) => operation.op === 'rename')).toHaveLength(1);
    const rewritten = closing.reduce((bytes, operation) => bytes + (operation.op === 'append' ? operation.bytes : 0), 0);
    expect(rewritten).toBe(Buffer.byteLength(fs.files.get(PATH) ?? ''));
    expect(Object.keys(stateDocument(fs)?.users ?? {})).toHaveLength(20_000);
    expect([...fs.files.keys()]).toEqual([PATH]);
  });

  it('rewrites the state file through a temporary file: written, fsynced, renamed, the directory fsynced — and only then the journal removed', async () => {
    const fs = createMemoryFileSystem();
    const state = await open(fs);
    await state.record(done(userId(1)), undefined);
    const before = fs.operations.length;
    await state.close();
    const operations = fs.operations.slice(before).map(({ op, path }) => `${op} ${path.replace(/compact-[0-9a-f]{12}/, 'compact-<hex>')}`);
    expect(operations).toEqual([
      `close ${JOURNAL}`,
      'open /runs/run.json.compact-<hex>.tmp',
      `readLines ${JOURNAL}`,
      'append /runs/run.json.compact-<hex>.tmp',
      'sync /runs/run.json.compact-<hex>.tmp',
      'close /runs/run.json.compact-<hex>.tmp',
      'rename /runs/run.json.compact-<hex>.tmp',
      'syncDirectory /runs',
      `remove ${JOURNAL}`,
      `readText ${LOCK}`,
      `remove ${LOCK}`,
    ]);
  });

  it("keeps the state file's form: which run it belongs to, then each user's latest outcome", async () => {
    const fs = createMemoryFileSystem();
    const state = await open(fs);
    await state.record(failed('auth0|1'), 'reading user "auth0|1" failed: HTTP 503');
    await state.record(skipped('google-oauth2|2'), undefined);
    await state.record(done('auth0|1'), undefined);
    await state.close();
    expect(stateDocument(fs)).toEqual({
      tool: 'auth0-force-password-reset',
      version: 2,
      ...IDENTITY,
      users: {
        'auth0|1': { status: 'done', at: STARTED_AT },
        'google-oauth2|2': { status: 'skipped', at: STARTED_AT, reason: 'not-database-user' },
      },
    });
  });
});

describe('which run a state file belongs to', () => {
  it('refuses a run with another selection, other writes, another command or flag — and takes the same run back', async () => {
    const fs = createMemoryFileSystem();
    await (await open(fs)).close();
    const others = [
      { ...IDENTITY, selection: { query: 'email:*@contractor.example' } },
      { ...IDENTITY, selection: { file: '/elsewhere/ids.txt' } },
      { ...IDENTITY, writes: { temporaryPassword: true } },
      { ...IDENTITY, command: 'waive' },
      { ...IDENTITY, flag: 'mustChangePassword' },
    ] as const;
    for (const other of others) {
      const refused = await openStateFile(PATH, other, { now: () => Date.parse(STARTED_AT), fs, pid: 4242, host: HOST, isRunning: () => true }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(UsageError);
      expect((refused as Error).message).toMatch(/^--state "\/runs\/run.json" belongs to another run: require-change --file "\/runs\/ids.txt" on acme.eu.auth0.com \(flag needsPasswordReset\)\. This run is /);
      await expect(readFinishedUsers(PATH, other, fs)).rejects.toThrow(UsageError);
    }
    expect(fs.files.has(LOCK)).toBe(false);
    await (await open(fs)).close();
  });

  it('refuses a state file of the first format, which did not say which users its run selected', async () => {
    const fs = createMemoryFileSystem();
    fs.files.set(PATH, JSON.stringify({ tool: 'auth0-force-password-reset', version: 1, command: 'require-change', domain: 'acme.eu.auth0.com', flag: 'needsPasswordReset', users: {} }));
    await expect(open(fs)).rejects.toThrow(
      new UsageError('--state "/runs/run.json" was written by another version of this tool and does not say which run it belongs to in a form this one reads; give a new path'),
    );
  });
});

describe('the lock', () => {
  it('refuses a second run while the first holds the lock, naming its pid and start time; free again once the first closes', async () => {
    const fs = createMemoryFileSystem();
    const first = await open(fs);
    expect(JSON.parse(fs.files.get(LOCK) ?? '')).toEqual({ pid: 4242, host: HOST, startedAt: STARTED_AT });
    expect(fs.operations).toContainEqual({ op: 'open', path: LOCK, flags: 'wx' });

    const checked: number[] = [];
    const refusal = await lockRefusal(open(fs, { pid: 5151, isRunning: (pid) => (checked.push(pid), true) }));
    expect(refusal).toMatchObject({ refusal: 'running', lockPath: LOCK, holder: { pid: 4242, host: HOST, startedAt: STARTED_AT } });
    expect(checked).toEqual([4242]);
    // The refused run touched nothing of the first's.
    expect(JSON.parse(fs.files.get(LOCK) ?? '')).toMatchObject({ pid: 4242 });

    await first.close();
    expect(fs.files.has(LOCK)).toBe(false);
    const second = await open(fs, { pid: 5151 });
    expect(second.recovery.staleLock).toBeUndefined();
    await second.close();
  });

  it('takes over the lock of a process of this host that no longer exists, and says whose it was', async () => {
    const fs = createMemoryFileSystem();
    await open(fs); // never closed: the process was killed
    const second = await open(fs, { pid: 5151, isRunning: (pid) => pid !== 4242 });
    expect(second.recovery.staleLock).toEqual({ pid: 4242, host: HOST, startedAt: STARTED_AT });
    expect(JSON.parse(fs.files.get(LOCK) ?? '')).toMatchObject({ pid: 5151 });
  });

  it('refuses a lock held on another host (its pid means nothing here), and a lock file it cannot read', async () => {
    const fs = createMemoryFileSystem();
    fs.files.set(LOCK, `${JSON.stringify({ pid: 4242, host: 'laptop-3', startedAt: STARTED_AT })}\n`);
    const isRunning = () => false;
    expect(await lockRefusal(open(fs, { isRunning }))).toMatchObject({ refusal: 'other-host', holder: { host: 'laptop-3' } });
    const iso = JSON.stringify(STARTED_AT);
    for (const text of [
      '',
      'not json',
      `{"pid":0,"host":"build-7","startedAt":${iso}}`,
      `{"pid":-1,"host":"build-7","startedAt":${iso}}`,
      '{"pid":4242,"host":"build-7","startedAt":"AUTH0_CLIENT_SECRET=s3cr3t"}',
    ]) {
      fs.files.set(LOCK, text);
      expect(await lockRefusal(open(fs, { isRunning }))).toMatchObject({ refusal: 'unreadable', holder: undefined });
    }
    expect(fs.files.has(PATH)).toBe(false);
  });

  it('leaves a lock file alone that is no longer its own', async () => {
    const fs = createMemoryFileSystem();
    const state = await open(fs);
    const someoneElse = `${JSON.stringify({ pid: 777, host: HOST, startedAt: STARTED_AT })}\n`;
    fs.files.set(LOCK, someoneElse);
    await state.close();
    expect(fs.files.get(LOCK)).toBe(someoneElse);
  });

  it('releases the lock when the state file cannot be used', async () => {
    const fs = createMemoryFileSystem();
    fs.files.set(PATH, '{"users": []}');
    await expect(open(fs)).rejects.toThrow(UsageError);
    expect(fs.files.has(LOCK)).toBe(false);
  });
});

describe('a run killed mid-way', () => {
  it('resumes from the journal: done and skipped users stay excluded, failed ones are retried, a record cut short is ignored, temporary files go', async () => {
    const fs = createMemoryFileSystem();
    const first = await open(fs);
    await first.record(done('auth0|a'), undefined);
    await first.record(skipped('google-oauth2|b'), undefined);
    await first.record(failed('auth0|c'), 'reading user "auth0|c" failed: HTTP 503');
    await first.record(done('auth0|d'), undefined);
    // Killed while writing the next record, and an earlier run was killed during a rewrite.
    fs.files.set(JOURNAL, `${fs.files.get(JOURNAL) ?? ''}{"userId":"auth0|e","sta`);
    fs.files.set('/runs/run.json.compact-0123456789ab.tmp', '{"tool":');
    fs.files.set('/runs/run.json.bak', 'kept');

    const second = await open(fs, { pid: 5151, isRunning: () => false });
    expect(second.recovery).toEqual({
      staleLock: { pid: 4242, host: HOST, startedAt: STARTED_AT },
      journalRecords: 4,
      tornRecord: true,
      temporaryFiles: 1,
    });
    expect([...second.finished].sort()).toEqual(['auth0|a', 'auth0|d', 'google-oauth2|b']);
    // Compacted at the start: the state file says everything, this run's journal starts empty.
    expect(Object.keys(stateDocument(fs)?.users ?? {})).toEqual(['auth0|a', 'google-oauth2|b', 'auth0|c', 'auth0|d']);
    expect(fs.files.get(JOURNAL)).toBe('');
    expect([...fs.files.keys()].sort()).toEqual([PATH, JOURNAL, LOCK, '/runs/run.json.bak'].sort());

    await second.record(done('auth0|c'), undefined);
    await second.record(done('auth0|e'), undefined);
    await second.close();
    expect(Object.values(stateDocument(fs)?.users ?? {}).map((entry) => entry.status)).toEqual(['done', 'skipped', 'done', 'done', 'done']);
  });

  it('a dry run reads the journal of a run in progress without writing or locking anything', async () => {
    const fs = createMemoryFileSystem();
    const running = await open(fs);
    await running.record(done('auth0|a'), undefined);
    await running.record(failed('auth0|b'), 'failed');
    const before = fs.operations.length;
    expect([...(await readFinishedUsers(PATH, IDENTITY, fs))]).toEqual(['auth0|a']);
    expect(new Set(fs.operations.slice(before).map((operation) => operation.op))).toEqual(new Set(['readText']));
  });

  it('keeps the journal when the rewrite fails, releases the lock, and the next start finishes the rewrite', async () => {
    const fs = createMemoryFileSystem();
    const first = await open(fs);
    await first.record(done('auth0|a'), undefined);
    fs.failNext('rename', 'ENOSPC');
    await expect(first.close()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect([...fs.files.keys()].sort()).toEqual([PATH, JOURNAL]);
    expect(stateDocument(fs)?.users).toEqual({});

    const second = await open(fs, { pid: 5151 });
    expect(second.recovery).toMatchObject({ staleLock: undefined, journalRecords: 1, tornRecord: false, temporaryFiles: 0 });
    expect([...second.finished]).toEqual(['auth0|a']);
    expect(stateDocument(fs)?.users).toEqual({ 'auth0|a': { status: 'done', at: STARTED_AT } });
  });

  it('refuses a journal damaged before its last line, and a journal without its state file — without repeating their content', async () => {
    const fs = createMemoryFileSystem();
    const first = await open(fs);
    await first.record(done('auth0|a'), undefined);
    await first.close();
    fs.files.set(JOURNAL, '{"userId":"auth0|a","status":"done","at":"x"}\nAUTH0_CLIENT_SECRET=s3cr3t\n{"userId":"auth0|b","status":"done","at":"x"}\n');
    await expect(open(fs)).rejects.toThrow(
      new UsageError(
        '--state "/runs/run.json": line 2 of its journal "/runs/run.json.journal" is damaged; move the journal aside to go on without it (the users it recorded would then be processed again)',
      ),
    );
    fs.files.delete(PATH);
    await expect(open(fs)).rejects.toThrow(
      new UsageError('--state "/runs/run.json" is missing, but its journal "/runs/run.json.journal" is there: restore the state file, or remove the journal to start afresh'),
    );
    expect(fs.files.has(LOCK)).toBe(false);
  });
});
