import { describe, expect, it } from 'vitest';
import { requestedDelayMs } from '../../../src/management/resilient-fetch.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const headers = (entries: Record<string, string>) => new Headers(entries);

describe('requestedDelayMs: how long a 429 or 5xx asks us to wait', () => {
  it.each([
    ['retry-after in seconds', { 'retry-after': '3' }, 503, 3000],
    ['retry-after as an HTTP date', { 'retry-after': new Date(NOW + 5000).toUTCString() }, 429, 5000],
    ['retry-after in the past', { 'retry-after': new Date(NOW - 5000).toUTCString() }, 429, 0],
    ['x-ratelimit-reset on a 429 (UNIX seconds)', { 'x-ratelimit-reset': String(NOW / 1000 + 2) }, 429, 2000],
    ['x-ratelimit-reset already passed', { 'x-ratelimit-reset': String(NOW / 1000 - 2) }, 429, 0],
    ['x-ratelimit-reset on a 503 with requests left: not a reason to wait', { 'x-ratelimit-reset': String(NOW / 1000 + 30), 'x-ratelimit-remaining': '5' }, 503, undefined],
    ['x-ratelimit-reset on a 503 with none left', { 'x-ratelimit-reset': String(NOW / 1000 + 1), 'x-ratelimit-remaining': '0' }, 503, 1000],
    ['no header', {}, 500, undefined],
  ])('%s', (_name, entries, status, expected) => {
    expect(requestedDelayMs(headers(entries), NOW, status)).toBe(expected);
  });
});
