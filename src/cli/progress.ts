import type { PasswordChangeRunProgress, RunWait, UserOutcome, UsersExportProgress } from '../admin/report.js';
import { escapeControlCharacters } from '../internal/control-characters.js';

/** Where the tool writes: `process.stdout`/`process.stderr`, or a test's recorder. */
export interface OutputStream {
  write(text: string): unknown;
  /** A terminal gets a progress bar; anything else gets lines. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What the reporter is told when the users are known. */
export interface ProgressStart {
  readonly total: number;
  /** The requests the run expects to make (from an export), for the estimate of the time left. */
  readonly requestsExpected: number | undefined;
  /**
   * Whether each user gets a line (ids and searches: a few hundred at most) or only the failed ones
   * and a summary now and then (an export: a whole tenant).
   */
  readonly eachUser: boolean;
}

export interface ProgressReporter {
  start(start: ProgressStart): void;
  user(outcome: UserOutcome, progress: PasswordChangeRunProgress, message: string): void;
  /**
   * A wait on the rate limit, or before a retry, about to start. The first of each kind (the
   * reason and the status) gets a line; the same kind again is counted, not printed, and
   * {@link ProgressReporter.finish} sums it up.
   */
  wait(wait: RunWait): void;
  /** Where the users export stands. */
  exportProgress(progress: UsersExportProgress): void;
  /** Ends the bar's line, if one is drawn, and says how often each kind of wait came back. */
  finish(): void;
}

const BAR_WIDTH = 24;
/** A terminal's bar is redrawn at most this often (a run of 500 users a second would flicker). */
const REDRAW_MS = 100;
/** Without a terminal, an export run prints a summary line this often. */
const SUMMARY_MS = 30_000;
/** Waits shorter than this pass without a line: they are the rhythm of a paced run. */
const NOTABLE_WAIT_MS = 1_000;

const number = (value: number) => value.toLocaleString('en');

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** How many per second, to a tenth: `15.9`. */
const perSecond = (count: number, ms: number) => ((count / ms) * 1000).toFixed(1);

/** One line per user, for logs and pipes: `[3/40] done auth0|… (password, needsPasswordReset, …)`. */
export function describeOutcome(outcome: UserOutcome, message: string): string {
  // Ids and details come from the tenant, messages from its answers: escaped, so that none can
  // move the cursor or forge a line of this tool's.
  const userId = escapeControlCharacters(outcome.userId);
  switch (outcome.status) {
    case 'done': {
      const waived = outcome.waivedAt === undefined ? '' : ` — waived at ${outcome.waivedAt}, required again`;
      return `${outcome.dryRun ? 'would change' : 'done'} ${userId} (${outcome.writes.join(', ')})${waived}`;
    }
    case 'skipped':
      return `skipped ${userId}: ${escapeControlCharacters(outcome.detail)}`;
    case 'failed':
      return `failed ${userId}: ${escapeControlCharacters(message)}${outcome.writes.length > 0 ? ` (already written: ${outcome.writes.join(', ')})` : ''}`;
  }
}

/** A wait, for people: `waiting 12s: the tenant's rate limit is used up (HTTP 429)`. */
export function describeWait({ ms, reason, status }: RunWait): string {
  const duration = ms < 1000 ? `${Math.ceil(ms)} ms` : formatDuration(ms);
  if (reason === 'rate-limit') {
    return `waiting ${duration}: the tenant's rate limit is used up (${status === undefined ? 'x-ratelimit-remaining: 0' : `HTTP ${status}`})`;
  }
  return `retrying in ${duration} after ${status === undefined ? 'a network failure' : `HTTP ${status}`}`;
}

/** What a kind of wait is called in the summary: `the tenant's rate limit (HTTP 429)`. */
function waitKind({ reason, status }: RunWait): string {
  if (reason === 'rate-limit') return `the tenant's rate limit (${status === undefined ? 'x-ratelimit-remaining: 0' : `HTTP ${status}`})`;
  return `a retry after ${status === undefined ? 'a network failure' : `HTTP ${status}`}`;
}

/** Where an export stands, for people. */
export function describeExport(progress: UsersExportProgress): string {
  switch (progress.phase) {
    case 'started':
      return `exporting users (job ${escapeControlCharacters(progress.jobId)})…`;
    case 'waiting': {
      const done = progress.percentageDone === undefined ? '' : `, ${progress.percentageDone}% done`;
      const left = progress.timeLeftSeconds === undefined ? '' : `, about ${formatDuration(progress.timeLeftSeconds * 1000)} left`;
      // The job's id and status are the tenant's words.
      return `export ${escapeControlCharacters(progress.jobId)}: ${escapeControlCharacters(progress.status)}${done}${left} (${formatDuration(progress.elapsedMs)} so far)`;
    }
    case 'downloaded':
      return `export ${escapeControlCharacters(progress.jobId)} downloaded (${number(progress.bytes)} bytes); reading it`;
  }
}

/**
 * Shows a run's progress on stderr, from the run's own clock: done/total, the rate reached (users
 * and Management API requests per second), an estimate of the time left — from the requests still
 * expected when an export said how many, else from the users left — and every wait of a second or
 * more on the tenant's rate limit or before a retry, with its length. On a terminal, a bar redrawn
 * in place, at most ten times a second; otherwise lines: one per user for ids and searches, or, for
 * an export, one per failed user and a summary every 30 seconds. A single user gets a line, never a bar.
 */
export function createProgressReporter(stream: OutputStream, clock: () => number = () => performance.now()): ProgressReporter {
  let total = 0;
  let requestsExpected: number | undefined;
  let eachUser = true;
  let startedAt = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let summaryAt = 0;
  let drawn = false;
  let last: PasswordChangeRunProgress = { completed: 0, total: 0, requests: 0 };
  let waiting: RunWait | undefined;
  /** The notable waits so far, by kind: a line for the first of a kind, a count for the others. */
  const waits = new Map<string, { count: number; ms: number }>();
  let lastKind: string | undefined;
  const counts = { done: 0, skipped: 0, failed: 0 };
  const useBar = () => stream.isTTY === true && total > 1;

  /** `15.9 users/s, 16.0 requests/s, eta 1h44m` — what is known so far. */
  function pace(terse: boolean): string {
    const elapsed = clock() - startedAt;
    const { completed, requests } = last;
    if (elapsed <= 0 || completed === 0) return '';
    const parts = terse
      ? [`${perSecond(completed, elapsed)}/s`]
      : [`${perSecond(completed, elapsed)} users/s`, `${perSecond(requests, elapsed)} requests/s`];
    if (completed < total) {
      const left =
        requestsExpected !== undefined && requests > 0
          ? (Math.max(0, requestsExpected - requests) / requests) * elapsed
          : ((total - completed) / completed) * elapsed;
      parts.push(`eta ${formatDuration(left)}`);
    }
    return parts.join(terse ? '  ' : ', ');
  }

  function draw(force: boolean): void {
    const now = clock();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    const { completed } = last;
    const filled = total === 0 ? BAR_WIDTH : Math.round((completed / total) * BAR_WIDTH);
    const rate = pace(true);
    let line =
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${number(completed)}/${number(total)}` +
      `  done ${number(counts.done)}  skipped ${number(counts.skipped)}  failed ${number(counts.failed)}` +
      `${rate === '' ? '' : `  ${rate}`}${waiting === undefined ? '' : `  (${describeWait(waiting)})`}`;
    const columns = stream.columns ?? 80;
    if (line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 1));
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  }

  /** Writes a line of its own: above the bar on a terminal. */
  function line(text: string): void {
    stream.write(drawn ? `\r\x1b[2K${text}\n` : `${text}\n`);
    if (drawn) draw(true);
  }

  return {
    start(start) {
      ({ total, requestsExpected, eachUser } = start);
      startedAt = clock();
      summaryAt = startedAt;
      if (useBar()) draw(true);
    },
    user(outcome, progress, message) {
      counts[outcome.status] += 1;
      last = progress;
      waiting = undefined;
      if (!useBar()) {
        if (eachUser || outcome.status === 'failed') stream.write(`[${number(progress.completed)}/${number(progress.total)}] ${describeOutcome(outcome, message)}\n`);
        const now = clock();
        if (!eachUser && (now - summaryAt >= SUMMARY_MS || progress.completed === progress.total)) {
          summaryAt = now;
          const share = total === 0 ? 100 : Math.floor((progress.completed / total) * 100);
          const rate = pace(false);
          stream.write(
            `[${number(progress.completed)}/${number(total)}] ${share}%  done ${number(counts.done)}  skipped ${number(counts.skipped)}  failed ${number(counts.failed)}${rate === '' ? '' : ` — ${rate}`}\n`,
          );
        }
        return;
      }
      const printed = outcome.status === 'failed' || (eachUser && outcome.status === 'skipped');
      if (printed) stream.write(`\r\x1b[2K${describeOutcome(outcome, message)}\n`);
      draw(printed || progress.completed === progress.total);
    },
    wait(wait) {
      if (wait.ms < NOTABLE_WAIT_MS) {
        if (useBar() && drawn) {
          waiting = wait;
          draw(false);
        }
        return;
      }
      waiting = wait;
      // A free plan's limit is met again and again (20 one-second waits for 33 users): one line when
      // the kind of wait changes, the rest counted and summed up at the end.
      const kind = waitKind(wait);
      const tally = waits.get(kind) ?? { count: 0, ms: 0 };
      tally.count += 1;
      tally.ms += wait.ms;
      waits.set(kind, tally);
      if (kind === lastKind) {
        if (useBar() && drawn) draw(false);
        return;
      }
      lastKind = kind;
      line(describeWait(wait));
    },
    exportProgress(progress) {
      line(describeExport(progress));
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
      for (const [kind, { count, ms }] of waits) {
        if (count > 1) stream.write(`waited ${number(count)} times on ${kind}, ${formatDuration(ms)} in all\n`);
      }
      waits.clear();
      lastKind = undefined;
    },
  };
}
