import * as z from 'zod/mini';
import { flagNameProblem } from '../obligation/obligation.js';
import type { LogEntry } from './log.js';

/**
 * Schema pieces for the options of the gate and the clearer, whose module every post-login cold
 * start loads. Measured: zod's string, boolean, array and union schemas and its `minLength` check
 * would add about 4 KB to that load (the gate's budget is 30 KB in all), while one `custom` schema
 * with a `superRefine` check costs a few hundred bytes. So the values are checked by small
 * functions here, which report each problem with its path and what was expected — the same issues
 * zod's own schemas would report. The administrator tools, loaded by no Action, use zod's schemas.
 */

/** Reports one problem: what was expected, the value found, and where below the option it is. */
export type Report = (expected: string, input: unknown, path?: readonly PropertyKey[]) => void;

/** A schema of type `T` whose values `check` inspects, reporting every problem it finds. */
export function checked<T>(check: (value: unknown, report: Report) => void): z.ZodMiniType<T, T> {
  return z.custom<T>(() => true).check(
    z.superRefine((value, context) => {
      check(value, (message, input, path = []) => {
        context.issues.push({ code: 'custom', message, input, path: [...path] });
      });
    }),
  );
}

/** A non-empty string, or a report. */
export function checkText(value: unknown, report: Report, path: readonly PropertyKey[] = [], typeError = 'must be a string'): boolean {
  if (typeof value !== 'string') report(typeError, value, path);
  else if (value.length === 0) report('must be a non-empty string', value, path);
  else return true;
  return false;
}

/** `true` or `false`. */
export const booleanSchema = checked<boolean>((value, report) => {
  if (typeof value !== 'boolean') report('must be true or false', value);
});

/**
 * The `flag` option: an `app_metadata` key that can name an obligation (see `flagNameProblem`:
 * no `.` or `$`, which Auth0 refuses, and no member of `Object.prototype`).
 */
export const flagSchema = checked<string>((value, report) => {
  if (typeof value !== 'string') return report('must be a string', value);
  const problem = flagNameProblem(value);
  if (problem !== undefined) report(problem, value);
});

/** `log`: `true`/`false`, or a function receiving each entry. */
export const logOptionSchema = checked<boolean | ((entry: LogEntry) => void)>((value, report) => {
  if (typeof value !== 'boolean' && typeof value !== 'function') report('must be true, false or a function', value);
});

/** A `fetch` implementation. */
export const fetchOptionSchema = z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', {
  error: 'must be a function',
});

/** Whether `value` is an integer from `min` to `max`; otherwise a report, in `unit` (` (minutes)`). */
export function checkInteger(value: unknown, report: Report, [min, max, unit]: IntegerRange, path: readonly PropertyKey[] = []): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    report(`must be an integer from ${min} to ${max}${unit}`, value, path);
  }
}

/** `[min, max, unit]` of an integer option. */
export type IntegerRange = readonly [min: number, max: number, unit: string];

/** An integer in a range. */
export const integerIn = (min: number, max: number, unit: string) =>
  z.custom<number>((value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max, {
    error: `must be an integer from ${min} to ${max}${unit}`,
  });

/**
 * Checks a plain object's keys against the known ones; returns the object, or `undefined` (after a
 * report) when `value` is not a plain object. Unknown keys are reported like zod's strict objects do.
 */
export function checkObject(
  value: unknown,
  report: Report,
  known: readonly string[],
  typeError: string,
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(typeError, value);
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) report(`is not a known option (known: ${known.join(', ')})`, undefined, [key]);
  }
  return record;
}
