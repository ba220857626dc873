import { describe, expect, it } from 'vitest';
import { formatIsoUtc } from '../../src/internal/format-iso.js';

describe('formatIsoUtc', () => {
  it('matches Date#toISOString at the edges', () => {
    for (const iso of [
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2024-02-29T12:00:00.001Z',
      '2026-12-31T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(formatIsoUtc(Date.parse(iso))).toBe(iso);
    }
  });

  it('matches Date#toISOString for 200,000 random instants from 1970 to 2200', () => {
    const end = Date.parse('2200-01-01T00:00:00.000Z');
    for (let i = 0; i < 200_000; i += 1) {
      const ms = Math.floor(Math.random() * end);
      if (formatIsoUtc(ms) !== new Date(ms).toISOString()) {
        expect(formatIsoUtc(ms), `for ${ms}`).toBe(new Date(ms).toISOString());
      }
    }
  });
});
