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
