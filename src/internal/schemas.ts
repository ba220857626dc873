import * as z from 'zod/mini';
import type { LogEntry } from './log.js';

/** An `app_metadata` key: Auth0 rejects keys containing `.` or `$`. */
export const metadataKeySchema = z
  .string({ error: 'must be a string' })
  .check(
    z.minLength(1, { error: 'must be a non-empty string' }),
    z.refine((key) => !/[.$]/.test(key), { error: 'must not contain "." or "$"' }),
  );

/** `log`: `true`/`false`, or a function receiving each entry. */
export const logOptionSchema = z.union(
  [z.boolean(), z.custom<(entry: LogEntry) => void>((value) => typeof value === 'function')],
  { error: 'must be true, false or a function' },
);

/** A `fetch` implementation. */
export const fetchOptionSchema = z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', {
  error: 'must be a function',
});

/**
 * An integer in a range. A custom check rather than z.number(): the gate's module loads every
 * schema, and each schema class avoided is weight a post-login cold start does not carry.
 */
export const integerIn = (min: number, max: number, unit: string) =>
  z.custom<number>((value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max, {
    error: `must be an integer from ${min} to ${max}${unit}`,
  });
