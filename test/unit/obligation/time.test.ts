import { describe, expect, it } from 'vitest';
import { formatIsoTime, isoInstantOf, parseIsoTime, toIsoInstant } from '../../../src/obligation/time.js';
import { random } from '../../helpers/random.js';

const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

describe('isoInstantOf: what toISOString writes, without it', () => {
  it('matches Date#toISOString for 50,000 random instants of the years 0000 to 9999, and at the edges', () => {
    const next = random(20261201);
    const instants = [YEAR_0, YEAR_0 + 1, -1, 0, 1, 951_782_400_000 /* 2000-02-29 */, 4_107_542_399_999, YEAR_10000 - 1, 1.5, -0.5, -1.5];
    for (let index = 0; index < 50_000; index += 1) instants.push(YEAR_0 + Math.floor(next() * (YEAR_10000 - YEAR_0)));
    const wrong = instants.filter((ms) => isoInstantOf(ms) !== new Date(ms).toISOString()).map((ms) => ({ ms, wrote: isoInstantOf(ms), expected: new Date(ms).toISOString() }));
    expect(wrong).toEqual([]);
    expect(instants).toHaveLength(50_011);
  });
});

describe('formatIsoTime: toISOString where Date can hold the instant', () => {
  it('writes Auth0’s form, signed years outside 0000–9999, and undefined where Date cannot', () => {
    expect(formatIsoTime(1_769_940_000_000)).toBe('2026-02-01T10:00:00.000Z');
    expect(formatIsoTime(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(formatIsoTime(YEAR_10000)).toBe('+010000-01-01T00:00:00.000Z');
    expect(formatIsoTime(Number.NaN)).toBeUndefined();
    expect(formatIsoTime(8.64e15 + 1)).toBeUndefined();
  });
});

describe('parseIsoTime: strict', () => {
  it('reads back every canonical instant formatIsoTime writes (50,000 random ones)', () => {
    const next = random(7);
    const texts = Array.from({ length: 50_000 }, () => new Date(Math.floor(next() * YEAR_10000)).toISOString());
    const wrong = texts.filter((text) => parseIsoTime(text) !== Date.parse(text)).map((text) => ({ text, read: parseIsoTime(text) }));
    expect(wrong).toEqual([]);
    expect(new Set(texts).size).toBeGreaterThan(49_000);
  });

  it.each([
    ['2026-02-01T10:00:00.000Z', Date.parse('2026-02-01T10:00:00.000Z')],
    ['2024-02-29T00:00:00.000Z', Date.parse('2024-02-29T00:00:00.000Z')],
    ['2026-02-01T10:00Z', Date.parse('2026-02-01T10:00:00.000Z')],
    ['2026-02-01T10:00:00Z', Date.parse('2026-02-01T10:00:00.000Z')],
    ['2026-02-01T12:00:00.000+02:00', Date.parse('2026-02-01T10:00:00.000Z')],
    ['2026-02-01T10:00:00.123456Z', Date.parse('2026-02-01T10:00:00.123Z')],
  ])('reads %s', (text, expected) => {
    expect(parseIsoTime(text)).toBe(expected);
  });

  it.each([
    '2026-13-01T00:00:00.000Z',
    '2026-00-10T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2025-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2026-04-31T10:00:00.000Z',
    '2026-02-01T24:00:00.000Z',
    '2026-02-01T10:60:00.000Z',
    '2026-02-01T10:00:60.000Z',
    '2026-02-01T10:00:00.0a0Z',
    // A letter anywhere in the digits, the year included (it once read as NaN, not as "no time").
    '20a6-01-15T09:30:00.000Z',
    '2a26-01-15T09:30:00.000Z',
    '2026-0a-15T09:30:00.000Z',
    '2026-01-1aT09:30:00.000Z',
    '2026-01-15T0a:30:00.000Z',
    '2026-01-15T09:3a:00.000Z',
    '2026-01-15T09:30:0a.000Z',
    '2026-02-01 10:00:00.000Z',
    '2026-02-01',
    'x',
    ' ',
    '',
    '2026-02-01T10:00:00.000+24:00',
    // Date.parse takes these: 24:00, and a day the month lacks with an offset (it rolls into March).
    '2026-02-01T24:00Z',
    '2026-02-30T01:00:00+02:00',
    '2026-02-01T10:00:00.000',
  ])('refuses %j', (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
  });

  it.each([0, false, null, undefined, {}, [], 1_769_940_000_000])('refuses a non-string %j', (value) => {
    expect(parseIsoTime(value)).toBeUndefined();
  });
});

describe('toIsoInstant: Auth0’s form, checked, compared as text', () => {
  it('keeps every canonical instant as it is, and orders 50,000 random pairs as their milliseconds do', () => {
    const next = random(99);
    const kept: string[] = [];
    const misordered: unknown[] = [];
    const written: string[] = [];
    for (let index = 0; index < 50_000; index += 1) {
      const a = Math.floor(next() * YEAR_10000);
      const b = Math.floor(next() * YEAR_10000);
      const [isoA, isoB] = [new Date(a).toISOString(), new Date(b).toISOString()];
      const [instantA, instantB] = [toIsoInstant(isoA), toIsoInstant(isoB)];
      if (instantA !== isoA || instantB !== isoB) kept.push(`${isoA} → ${instantA}, ${isoB} → ${instantB}`);
      if ((a < b) !== (instantA! < instantB!)) misordered.push({ a, b, isoA, isoB });
      if (isoInstantOf(a) !== isoA) written.push(`${a} → ${isoInstantOf(a)}`);
    }
    expect({ kept, misordered, written }).toEqual({ kept: [], misordered: [], written: [] });
  });

  it('normalizes the other ISO forms to Auth0’s', () => {
    expect(toIsoInstant('2026-02-01T12:00:00+02:00')).toBe('2026-02-01T10:00:00.000Z');
    expect(toIsoInstant('2026-02-01T10:00Z')).toBe('2026-02-01T10:00:00.000Z');
    expect(toIsoInstant('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
  });

  it('refuses an offset that moves the instant out of the years 0000–9999, which no longer sort as text', () => {
    expect(parseIsoTime('0000-01-01T00:30:00+01:00')).toBeUndefined();
    expect(parseIsoTime('9999-12-31T23:30:00-01:00')).toBeUndefined();
    expect(toIsoInstant('0000-01-01T00:30:00+01:00')).toBeUndefined();
    expect(toIsoInstant('9999-12-31T23:30:00-01:00')).toBeUndefined();
    expect(toIsoInstant('0000-01-01T00:30:00-01:00')).toBe('0000-01-01T01:30:00.000Z');
    expect(isoInstantOf(-62_167_219_200_001)).toBeUndefined();
    expect(isoInstantOf(YEAR_10000)).toBeUndefined();
  });

  it.each(['2026-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-02-01T24:00:00.000Z', '20a6-01-15T09:30:00.000Z', 'x', '', 42])(
    'refuses %j',
    (value) => {
      expect(toIsoInstant(value)).toBeUndefined();
    },
  );
});
