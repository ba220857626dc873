import { describe, expect, it } from 'vitest';
import { createRequestPacer, type PacerWait } from '../../../src/management/request-pacer.js';

/** A pacer on a fake clock: sleeping moves the clock, so the test sees exactly when each request starts. */
function pacedAt(rate: number, epochStart = 1_800_000_000_000, overshootMs = 0) {
  let clock = 0;
  const waits: number[] = [];
  const announced: PacerWait[] = [];
  const pacer = createRequestPacer({
    rate,
    clock: () => clock,
    epochNow: () => epochStart + clock,
    sleep: async (ms) => {
      waits.push(ms);
      // A timer fires when asked, or (overshootMs) a little later, as real ones do.
      clock += ms + overshootMs;
    },
    onWait: (wait) => void announced.push(wait),
  });
  const starts: number[] = [];
  const start = async () => {
    await pacer.acquire();
    starts.push(clock);
  };
  return { pacer, starts, waits, announced, start, advance: (ms: number) => void (clock += ms), epochStart };
}

const rateLimitHeaders = (remaining: string, resetEpochSeconds: number) =>
  new Headers({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': String(resetEpochSeconds) });

describe('the request pacer of the administrator tools', () => {
  it('starts at most `rate` requests per second: 2/s is one every 500 ms', async () => {
    const { start, starts, pacer } = pacedAt(2);
    for (let index = 0; index < 4; index += 1) await start();
    expect(starts).toEqual([0, 500, 1000, 1500]);
    expect(pacer.waitedMs).toBe(1500);
  });

  it('does not wait when requests are already slower than the rate', async () => {
    const { start, starts, waits, advance } = pacedAt(2);
    await start();
    advance(800);
    await start();
    expect(starts).toEqual([0, 800]);
    expect(waits).toEqual([]);
  });

  it('waits for x-ratelimit-reset when a response says the bucket is empty', async () => {
    const { start, starts, pacer, epochStart } = pacedAt(100);
    await start();
    pacer.observe(rateLimitHeaders('0', epochStart / 1000 + 3));
    await start();
    expect(starts).toEqual([0, 3000]);
  });

  it('keeps to the rate when every timer fires late: the starts stay on the grid', async () => {
    const { start, starts } = pacedAt(100, undefined, 1);
    for (let index = 0; index < 101; index += 1) await start();
    // 101 starts at 100 per second take one second (plus the last timer's lateness), not 1.1 s.
    expect(starts.at(-1)).toBe(1001);
    expect(starts.slice(0, 4)).toEqual([0, 11, 21, 31]);
  });

  it('books a slot before waiting: concurrent callers start an interval apart, also after a pause', async () => {
    const epochStart = 1_800_000_000_000;
    const announced: PacerWait[] = [];
    // A clock that stands still: every caller asks at the same instant.
    const pacer = createRequestPacer({ rate: 2, clock: () => 0, epochNow: () => epochStart, sleep: async () => {}, onWait: (wait) => void announced.push(wait) });
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    expect(announced).toEqual([
      { ms: 500, reason: 'pace' },
      { ms: 1000, reason: 'pace' },
    ]);
    pacer.observe(rateLimitHeaders('0', epochStart / 1000 + 10));
    await Promise.all([pacer.acquire(), pacer.acquire()]);
    expect(announced.slice(2)).toEqual([
      { ms: 10_000, reason: 'rate-limit' },
      { ms: 10_500, reason: 'pace' },
    ]);
  });

  it('starts the grid again after an idle while, without a burst to catch up', async () => {
    const { start, starts, advance } = pacedAt(2);
    await start();
    advance(10_000);
    await start();
    await start();
    expect(starts).toEqual([0, 10_000, 10_500]);
  });

  it('announces each wait before it starts: the steady pace, and a pause for the reset as a rate limit', async () => {
    const { start, announced, pacer, epochStart } = pacedAt(2);
    await start();
    await start();
    pacer.observe(rateLimitHeaders('0', epochStart / 1000 + 12));
    await start();
    expect(announced).toEqual([
      { ms: 500, reason: 'pace' },
      { ms: 11_500, reason: 'rate-limit' },
    ]);
  });

  it('ignores x-ratelimit-reset while requests remain, and a reset in the past', async () => {
    const { start, starts, pacer, epochStart } = pacedAt(100);
    await start();
    pacer.observe(rateLimitHeaders('1', epochStart / 1000 + 3));
    pacer.observe(rateLimitHeaders('0', epochStart / 1000 - 3));
    pacer.observe(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' }));
    await start();
    expect(starts).toEqual([0, 10]);
  });

  it('takes a reset more than two minutes away for a wrong header: waits two minutes at most', async () => {
    const { start, starts, pacer, epochStart } = pacedAt(100);
    await start();
    pacer.observe(rateLimitHeaders('0', epochStart / 1000 + 86_400));
    await start();
    expect(starts).toEqual([0, 120_000]);
  });
});
