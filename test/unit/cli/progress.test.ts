import { describe, expect, it } from 'vitest';
import type { RunWait, UserOutcome } from '../../../src/admin/report.js';
import { createProgressReporter } from '../../../src/cli/progress.js';

const done = (n: number): UserOutcome => ({ status: 'done', userId: `auth0|${n}`, writes: ['needsPasswordReset'], dryRun: false });
const limited: RunWait = { ms: 1000, reason: 'rate-limit', status: undefined };
const retry503: RunWait = { ms: 2000, reason: 'retry', status: 503 };

function recorder() {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, lines: () => text.split('\n').filter((line) => line !== '') };
}

describe('waits, as the progress shows them', () => {
  it('prints a line when the kind of wait changes, counts the repeats, and sums them up at the end', () => {
    const { stream, lines } = recorder();
    let clock = 0;
    const progress = createProgressReporter(stream, () => clock);
    progress.start({ total: 6, requestsExpected: undefined, eachUser: true });
    const sequence: (RunWait | number)[] = [limited, 1, limited, 2, limited, retry503, 3, limited, 4, limited, 5, 6];
    for (const step of sequence) {
      clock += 100;
      if (typeof step === 'number') progress.user(done(step), { completed: step, total: 6, requests: step }, '');
      else progress.wait(step);
    }
    progress.finish();
    expect(lines().filter((line) => !line.startsWith('['))).toEqual([
      "waiting 1s: the tenant's rate limit is used up (x-ratelimit-remaining: 0)",
      'retrying in 2s after HTTP 503',
      // The kind changed back: said again.
      "waiting 1s: the tenant's rate limit is used up (x-ratelimit-remaining: 0)",
      "waited 5 times on the tenant's rate limit (x-ratelimit-remaining: 0), 5s in all",
    ]);
  });

  it('says nothing more at the end of a single wait, nor of the short waits of pacing', () => {
    const { stream, lines } = recorder();
    const progress = createProgressReporter(stream, () => 0);
    progress.start({ total: 1, requestsExpected: undefined, eachUser: true });
    progress.wait({ ms: 400, reason: 'rate-limit', status: undefined });
    progress.wait(retry503);
    progress.finish();
    expect(lines()).toEqual(['retrying in 2s after HTTP 503']);
  });
});
