import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { ManagementApiError } from '../errors/management-api-error.js';
import { createManagementApiError } from '../management/management-api-failure.js';
import type { ManagementClient, UsersExportJob } from '../management/management-client.js';
import { EXPORT_FIELDS, parseExportedUser, type ExportedUser } from './exported-user.js';
import type { UsersExportProgress } from './report.js';
import type { AdminConnectionConfig } from './job-config.js';
import type { JobClock } from './open-admin-client.js';

/** "The download link is valid for 60 seconds": a link older than this is asked for again. */
const LINK_FRESH_MS = 50_000;
/** Waits between two reads of a job: short at first (a small tenant's export is quick), then steady. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 15_000;
/** What a CDN answers for a link that expired or was refused: ask the job for a fresh one. */
const STALE_LINK_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 410]);
const BACKOFF_MS = 1_000;

/**
 * The longest line of an export the tools read: 1 MiB. A line is one user's id, times, connection
 * and `app_metadata`; a line past this is no export of Auth0's, and reading it whole would hold it
 * all in memory (a 200 KB gzip can hold a 200 MB line).
 */
export const MAX_EXPORT_LINE_BYTES: number = 1024 * 1024;
/**
 * How much an export may decompress to: 100 times its compressed size (newline-delimited JSON of
 * users compresses about 5 to 20 times), and never less than 256 MiB. More is a compression bomb.
 */
export const EXPORT_EXPANSION_LIMIT = 100;
export const MIN_EXPORT_DECOMPRESSED_BYTES: number = 256 * 1024 * 1024;

/** The caps an export is read under (tests make them small). */
export interface ExportReadLimits {
  readonly lineBytes: number;
  readonly expansion: number;
  readonly minDecompressedBytes: number;
}

const EXPORT_LIMITS: ExportReadLimits = {
  lineBytes: MAX_EXPORT_LINE_BYTES,
  expansion: EXPORT_EXPANSION_LIMIT,
  minDecompressedBytes: MIN_EXPORT_DECOMPRESSED_BYTES,
};

const mib = (bytes: number) => `${Number((bytes / (1024 * 1024)).toFixed(1)).toLocaleString('en')} MiB`;

/** How to run an export: the tool's settings, its client, its clock. */
export interface UsersExportSettings {
  readonly caller: string;
  readonly client: ManagementClient;
  readonly clock: JobClock;
  /** How long the job may take before the run gives up on it (by `clock.monotonic`). */
  readonly timeoutMs: number;
  /** Download attempts, fresh links included. */
  readonly maxAttempts: number;
  readonly onExport: ((progress: UsersExportProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  /** @default the caps above */
  readonly limits?: ExportReadLimits;
}

/** The settings of an export for a tool's checked options. */
export const exportSettings = (config: AdminConnectionConfig, client: ManagementClient, clock: JobClock): UsersExportSettings => ({
  caller: config.caller,
  client,
  clock,
  timeoutMs: config.exportTimeoutMs,
  maxAttempts: config.maxAttempts,
  onExport: config.onExport,
  signal: config.signal,
});

/**
 * A downloaded export: the file as Auth0 sent it (gzip), in a directory of its own (mode 0700,
 * the file 0600) under the system's temporary directory, read as often as needed, line by line.
 */
export interface UsersExportFile {
  readonly jobId: string;
  /**
   * Each user, in the file's order, with its line number: the file is decompressed and parsed as
   * it is read, so memory does not grow with the number of users.
   *
   * @throws ManagementApiError (step `download export`) at the first line that is not a user.
   */
  users(): AsyncGenerator<ExportedUser>;
  /** Removes the file and its directory. */
  remove(): Promise<void>;
}

const exportError = (caller: string, step: 'export users' | 'download export', reason: string, hint: string | undefined, serverMessage?: string) =>
  createManagementApiError(caller, {
    step,
    userId: undefined,
    status: undefined,
    attempts: 1,
    reason,
    serverMessage,
    gaveUp: undefined,
    requiredScopes: undefined,
    hint,
  });

/** A completed job, and when (by the run's monotonic clock) the answer with its link was asked for. */
interface CompletedExport {
  readonly job: UsersExportJob;
  readonly askedAt: number;
}

/** Only `completed` and `failed` end a job; any other word, documented or new, means "not yet". */
const isFinished = (job: UsersExportJob) => job.status === 'completed' || job.status === 'failed';

/**
 * Starts a users export and waits for it, polling at a growing interval, each poll a paced request;
 * `undefined` once `signal` aborts.
 */
async function awaitExport(settings: UsersExportSettings): Promise<CompletedExport | undefined> {
  const { client, clock, caller, onExport } = settings;
  const startedAt = clock.monotonic();
  let job = await client.createUsersExport(EXPORT_FIELDS);
  onExport?.({ phase: 'started', jobId: job.id });
  let pollMs = FIRST_POLL_MS;
  // A link lives 60 s from Auth0's answer, which comes after the question: counted from the question.
  let askedAt = startedAt;
  while (!isFinished(job)) {
    const elapsedMs = clock.monotonic() - startedAt;
    if (elapsedMs + pollMs > settings.timeoutMs) {
      const minutes = Math.round(settings.timeoutMs / 60_000);
      throw exportError(
        caller,
        'export users',
        `the users-export job ${job.id} did not finish within ${minutes < 1 ? `${Math.round(settings.timeoutMs / 1000)} s` : `${minutes} min`} (last status: ${job.status})`,
        'run again later; Auth0 gives up on an export job after 8 hours',
      );
    }
    if (settings.signal?.aborted === true) return undefined;
    onExport?.({ phase: 'waiting', jobId: job.id, status: job.status, percentageDone: job.percentageDone, timeLeftSeconds: job.timeLeftSeconds, elapsedMs });
    await clock.sleep(pollMs);
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    askedAt = clock.monotonic();
    job = await client.readJob(job.id);
  }
  if (job.status === 'failed') {
    throw exportError(caller, 'export users', `the users-export job ${job.id} failed`, 'run again; if it fails again, see the tenant logs', job.statusDetails);
  }
  if (job.location === undefined) throw exportError(caller, 'export users', 'malformed answer: the completed job has no location', undefined);
  return { job, askedAt };
}

/**
 * Downloads the file of a completed job into `path`. Before each attempt a link older than 50
 * seconds is replaced by asking the job again (one paced request), and so is one the download
 * host refused; a failed attempt is retried after a second, a host that cannot be reached is not.
 */
async function download(settings: UsersExportSettings, completed: CompletedExport, path: string): Promise<number> {
  const { client, clock, caller } = settings;
  let { job, askedAt } = completed;
  let stale = false;
  for (let attempt = 1; ; attempt += 1) {
    if (stale || clock.monotonic() - askedAt > LINK_FRESH_MS) {
      askedAt = clock.monotonic();
      job = await client.readJob(job.id);
      if (job.location === undefined) throw exportError(caller, 'download export', `malformed answer: the job ${job.id} no longer has a location`, 'run again');
    }
    let bytes = 0;
    try {
      const body = await client.downloadExport(job.location as string);
      const counted = async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          yield chunk;
        }
      };
      await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), counted, createWriteStream(path, { mode: 0o600 }));
      return bytes;
    } catch (error) {
      if (!(error instanceof ManagementApiError)) throw error;
      if (error.unreachable !== undefined || attempt >= settings.maxAttempts) throw error;
      stale = error.status !== undefined && STALE_LINK_STATUSES.has(error.status);
      if (!stale) await clock.sleep(BACKOFF_MS);
    }
  }
}

/** What {@link cappedLines} yields in place of a line past a cap: the reader stops there. */
const TOO_LONG = Symbol('line too long');
const TOO_MUCH = Symbol('too much decompressed');
const CAP_HINT = 'no user was changed; an export of Auth0\'s stays far below this — check that AUTH0_DOMAIN is your tenant, and report it if it is';

/**
 * The lines of a stream of bytes (`\n`, or `\r\n`, between them), decoded as UTF-8 once whole. A
 * line is never held past `maxLineBytes`: {@link TOO_LONG} comes in its place, as
 * {@link TOO_MUCH} does once more than `maxBytes` have arrived in all — and the caller stops.
 * (readline keeps a line whole however long: 200 MB of one line cost a heap abort.)
 */
async function* cappedLines(input: AsyncIterable<Buffer>, maxLineBytes: number, maxBytes: number): AsyncGenerator<string | typeof TOO_LONG | typeof TOO_MUCH> {
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let total = 0;
  const take = (piece: Buffer): boolean => {
    lineBytes += piece.length;
    if (lineBytes > maxLineBytes) return false;
    parts.push(piece);
    return true;
  };
  const text = () => {
    const line = Buffer.concat(parts, lineBytes).toString('utf8');
    parts = [];
    lineBytes = 0;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of input) {
    total += chunk.length;
    if (total > maxBytes) {
      yield TOO_MUCH;
      return;
    }
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      if (!take(chunk.subarray(start, end))) {
        yield TOO_LONG;
        return;
      }
      yield text();
      start = end + 1;
    }
    if (!take(chunk.subarray(start))) {
      yield TOO_LONG;
      return;
    }
  }
  if (lineBytes > 0) yield text();
}

/** Whether a file starts as gzip does (`1f 8b`): a transport may have decompressed it already. */
async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/**
 * Exports the tenant's users (every connection: a connection id would need `read:connections`,
 * so a connection is chosen from the file instead) into a private temporary file: starts the job,
 * waits for it, downloads the file. Two reads of a file on disk cost nothing against the tenant,
 * and a run of days (2 requests per second for 200,000 users) would outlive both the link and the
 * job; the file stays compressed, as sent, and is removed at the end.
 *
 * @returns the file, or `undefined` when `signal` aborted the wait for the job.
 * @throws ManagementApiError: the job failed, did not finish in time, or could not be downloaded.
 */
export async function exportUsers(settings: UsersExportSettings): Promise<UsersExportFile | undefined> {
  const completed = await awaitExport(settings);
  if (completed === undefined) return undefined;
  const directory = await mkdtemp(join(tmpdir(), 'auth0-force-password-reset-'));
  const path = join(directory, 'users.json.gz');
  // The file holds the users' app_metadata: removed at the end, and at an exit in between too (the
  // command-line tool's second Ctrl-C). Only a SIGKILL or a power cut leaves it in the temporary directory.
  const removeAtExit = () => rmSync(directory, { recursive: true, force: true });
  process.once('exit', removeAtExit);
  const remove = async () => {
    process.off('exit', removeAtExit);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const bytes = await download(settings, completed, path);
    settings.onExport?.({ phase: 'downloaded', jobId: completed.job.id, bytes });
    const gzip = await isGzip(path);
    const { caller, limits = EXPORT_LIMITS } = settings;
    return {
      jobId: completed.job.id,
      async *users() {
        const input = createReadStream(path);
        const source = gzip ? createGunzip() : undefined;
        // A file that cannot be read ends the decompression with its error.
        if (source !== undefined) input.on('error', (error) => source.destroy(error)).pipe(source);
        const refuse = (reason: string) => exportError(caller, 'download export', reason, CAP_HINT);
        const cap = Math.max(limits.minDecompressedBytes, limits.expansion * bytes);
        let number = 0;
        try {
          for await (const line of cappedLines(source ?? input, limits.lineBytes, cap)) {
            number += 1;
            if (line === TOO_LONG) {
              throw refuse(`malformed answer: line ${number} of the export is longer than ${mib(limits.lineBytes)} (${limits.lineBytes.toLocaleString('en')} bytes), the most a line may be`);
            }
            if (line === TOO_MUCH) {
              throw refuse(`malformed answer: the export decompresses to more than ${mib(cap)}, ${limits.expansion} times its ${bytes.toLocaleString('en')} bytes (or ${mib(limits.minDecompressedBytes)}), the most it may be`);
            }
            if (line.trim() === '') continue;
            const user = parseExportedUser(line);
            if (typeof user === 'string') {
              throw exportError(caller, 'download export', `malformed answer: line ${number} of the export ${user}`, 'run again; if it happens again, the export format has changed: report it');
            }
            yield user;
          }
        } catch (error) {
          if (!/^Z_/.test(String((error as { code?: unknown }).code))) throw error;
          throw exportError(caller, 'download export', `malformed answer: the export is not gzip-compressed JSON lines (${String((error as { code?: unknown }).code)} after line ${number})`, 'run again');
        } finally {
          source?.destroy();
          input.destroy();
        }
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
