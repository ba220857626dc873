import type { PasswordChangeRunProgress, UserOutcome } from '../admin/report.js';

/** Where the tool writes: `process.stdout`/`process.stderr`, or a test's recorder. */
export interface OutputStream {
  write(text: string): unknown;
  /** A terminal gets a progress bar; anything else gets one line per user. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressReporter {
  start(total: number): void;
  user(outcome: UserOutcome, progress: PasswordChangeRunProgress, message: string): void;
  /** Ends the bar's line, if one is drawn. */
  finish(): void;
}

const BAR_WIDTH = 24;

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** One line per user, for logs and pipes: `[3/40] done auth0|… (password, needsPasswordReset, …)`. */
export function describeOutcome(outcome: UserOutcome, message: string): string {
  switch (outcome.status) {
    case 'done':
      return `${outcome.dryRun ? 'would change' : 'done'} ${outcome.userId} (${outcome.writes.join(', ')})`;
    case 'skipped':
      return `skipped ${outcome.userId}: ${outcome.detail}`;
    case 'failed':
      return `failed ${outcome.userId}: ${message}${outcome.writes.length > 0 ? ` (already written: ${outcome.writes.join(', ')})` : ''}`;
  }
}

/**
 * Shows a run's progress on stderr: on a terminal, a bar redrawn in place with counts and an
 * estimate of the time left, and skipped or failed users printed above it; otherwise (a pipe, a CI
 * log) one line per user. A single user gets a line, never a bar.
 */
export function createProgressReporter(stream: OutputStream, clock: () => number = () => performance.now()): ProgressReporter {
  let total = 0;
  let startedAt = 0;
  let drawn = false;
  const counts = { done: 0, skipped: 0, failed: 0 };
  const useBar = () => stream.isTTY === true && total > 1;

  function draw(completed: number): void {
    const filled = total === 0 ? BAR_WIDTH : Math.round((completed / total) * BAR_WIDTH);
    const elapsed = clock() - startedAt;
    const eta = completed === 0 ? '' : `  eta ${formatDuration((elapsed / completed) * (total - completed))}`;
    let line =
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${completed}/${total}` +
      `  done ${counts.done}  skipped ${counts.skipped}  failed ${counts.failed}${completed < total ? eta : ''}`;
    const columns = stream.columns ?? 80;
    if (line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 1));
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  }

  return {
    start(count) {
      total = count;
      startedAt = clock();
      if (useBar()) draw(0);
    },
    user(outcome, progress, message) {
      counts[outcome.status] += 1;
      if (!useBar()) {
        stream.write(`[${progress.completed}/${progress.total}] ${describeOutcome(outcome, message)}\n`);
        return;
      }
      if (outcome.status !== 'done') stream.write(`\r\x1b[2K${describeOutcome(outcome, message)}\n`);
      draw(progress.completed);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
