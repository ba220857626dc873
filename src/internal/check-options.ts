import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { flagNameProblem, isRecord } from '../obligation/obligation.js';
import type { LogEntry } from './log.js';
import type { LocalizedMessage } from './select-message.js';

/**
 * How every public function of the library checks what it is given: the Action factories, the
 * page, the administrator tools and the testing toolkit. A table of small checks per options
 * interface ({@link OptionChecks}: one check per option, no more, no less, each accepting exactly
 * the option's type, or the build fails); each check reports every problem with its path and what
 * was expected, and {@link checkOptions} (or {@link checkArguments}, for a call with more than one
 * argument to check) throws one {@link OptionsError} naming them all.
 *
 * Hand-written rather than a schema library: the gate's module, which every post-login cold start
 * loads, must stay small (zod/mini, bundled, was measured at about 14 KB of it whatever schemas are
 * used), and one way to check options is easier to keep than two.
 */

/** Reports one problem: what was expected, the value found, and where below the option it is. */
export type Report = (expected: string, input: unknown, path?: readonly PropertyKey[]) => void;

/** Checks one option's value, reporting every problem. `T` is the type it accepts (compile time only). */
export interface Check<T> {
  (value: unknown, report: Report): void;
  /** Never set: makes `Check<T>` invariant in `T`, so a table of checks must match its interface exactly. */
  readonly accepts?: (value: T) => T;
}

/** The check of an option that must be given: {@link required} makes one. */
export interface RequiredCheck<T> extends Check<T> {
  /** What a missing value is told: `is required: …`. */
  readonly required: string;
}

/** The keys of `Options` that are not optional. */
type RequiredKeys<Options> = { [Key in keyof Options]-?: object extends Pick<Options, Key> ? never : Key }[keyof Options];

/**
 * One check per option of `Options` — no more, no less — each accepting exactly that option's type;
 * an option the interface requires has a {@link RequiredCheck}, so a missing one is reported, not
 * discovered later as a `TypeError`.
 */
export type OptionChecks<Options> = {
  readonly [Key in keyof Options]-?: Key extends RequiredKeys<Options>
    ? RequiredCheck<Exclude<Options[Key], undefined>>
    : Check<Exclude<Options[Key], undefined>> & { readonly required?: never };
};

/** `check`, for an option that must be given; `expected` says what to give (`is required: <expected>`). */
export function required<T>(expected: string, check: Check<T>): RequiredCheck<T> {
  const requiredCheck = (value: unknown, report: Report) => check(value, report);
  return Object.assign(requiredCheck, { required: `is required: ${expected}` });
}

/** A short, safe rendering of a rejected value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  // JSON has no NaN, Infinity or bigint: it would print `null`, or throw.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}…"` : json;
}

/**
 * `["message", "fr-CA"]` → `options.message.fr-CA`; `["connections", 0]` → `options.connections[0]`;
 * with `root` another argument's name: `handlers[1]`.
 */
export function formatPath(path: readonly PropertyKey[], root = 'options'): string {
  let out = root;
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return out;
}

/** Pass as the input of a report whose value must never appear in a message (it may hold a secret). */
export const NOT_SHOWN: unique symbol = Symbol('not shown');

/** A URL as an error may quote it: not at all when it may hold credentials or a key (an `@`, a query, a fragment). */
export const shownUrl = (value: unknown): unknown => (typeof value === 'string' && /[@?#]/.test(value) ? NOT_SHOWN : value);

/** The issue for a problem, with ` (got …)` unless the value says nothing (missing, unknown key) or must not be shown. */
export function toIssue(path: readonly PropertyKey[], expected: string, input: unknown, code = 'custom', root = 'options'): OptionsIssue {
  const silent = input === NOT_SHOWN || expected.startsWith('is required') || expected.startsWith('is not a known option');
  return { code, path: formatPath(path, root), expected: silent ? expected : `${expected} (got ${describeValue(input)})` };
}

/**
 * Checks an object against a table: unknown keys first, then each key present, in the table's order.
 * A key of `retired` (an option that was removed) is reported with its text — what to do instead —
 * rather than as unknown. Returns `false`, after a report, when `value` is not an object.
 */
export function checkFields<Options>(
  value: unknown,
  report: Report,
  checks: OptionChecks<Options>,
  typeError: string,
  retired: Readonly<Record<string, string>> = {},
): boolean {
  if (!isRecord(value)) {
    report(typeError, value);
    return false;
  }
  const known = Object.keys(checks);
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(retired, key)) report(retired[key] as string, NOT_SHOWN, [key]);
    else if (!known.includes(key)) report(`is not a known option (known: ${known.join(', ')})`, undefined, [key]);
  }
  for (const key of known) {
    const field = value[key];
    const check = (checks as Record<string, Check<unknown> & { readonly required?: string }>)[key];
    if (field === undefined) {
      if (check?.required !== undefined) report(check.required, undefined, [key]);
      continue;
    }
    check?.(field, (expected, input, path = []) => report(expected, input, [key, ...path]));
  }
  return true;
}

/** One argument of a call to check: its name in messages (`options`, `handlers`), its check and its value. */
export type CheckedArgument = readonly [name: string, check: (value: unknown, report: Report) => void, value: unknown];

/**
 * Checks the arguments of one call together and throws a single {@link OptionsError} naming every
 * problem of them all, each under its argument's name: `"handlers[1]" must be …; "options.locale" …`.
 */
export function checkArguments(caller: string, ...checked: readonly CheckedArgument[]): void {
  const issues: OptionsIssue[] = [];
  for (const [name, check, value] of checked) {
    check(value, (expected, input, path = []) => void issues.push(toIssue(path, expected, input, 'custom', name)));
  }
  if (issues.length > 0) throw new OptionsError(caller, issues);
}

/** The check of a whole options object (`undefined` is none given), for {@link checkArguments}. */
export function optionsCheck<Options>(checks: OptionChecks<Options>, retired?: Readonly<Record<string, string>>): Check<Options | undefined> {
  return (value, report) => void checkFields(value === undefined ? {} : value, report, checks, 'must be an object or undefined', retired);
}

/**
 * Checks a factory's options once, when it is called, without changing them. Throws an
 * {@link OptionsError} naming the factory, each option path and what was expected:
 * `[auth0-force-password-reset] createFirstLoginGate: "options.flag" must not contain "." or "$" (got "a.b")`.
 * `retired` names removed options and what to do instead (see {@link checkFields}).
 */
export function checkOptions<Options extends object>(
  caller: string,
  checks: OptionChecks<Options>,
  options: unknown,
  retired?: Readonly<Record<string, string>>,
): Options {
  checkArguments(caller, ['options', optionsCheck(checks, retired), options]);
  return (options ?? {}) as Options;
}

/** A non-empty string, or a report. */
export function checkText(value: unknown, report: Report, path: readonly PropertyKey[] = []): value is string {
  if (typeof value !== 'string') report('must be a string', value, path);
  else if (value.length === 0) report('must be a non-empty string', value, path);
  else return true;
  return false;
}

export const booleanCheck: Check<boolean> = (value, report) => {
  if (typeof value !== 'boolean') report('must be true or false', value);
};

/** The `flag` option: an `app_metadata` key that can name an obligation (see `flagNameProblem`). */
export const flagCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string') return report('must be a string', value);
  const problem = flagNameProblem(value);
  if (problem !== undefined) report(problem, value);
};

/** `log`: `true`/`false`, or a function receiving each entry. */
export const logCheck: Check<boolean | ((entry: LogEntry) => void)> = (value, report) => {
  if (typeof value !== 'boolean' && typeof value !== 'function') report('must be true, false or a function', value);
};

/** A function (a callback); `T` is its type. */
export const functionCheck =
  <T>(): Check<T> =>
  (value, report) => {
    if (typeof value !== 'function') report('must be a function', value);
  };

/** A `fetch` implementation. */
export const fetchCheck: Check<typeof globalThis.fetch> = functionCheck();

/** One of a few strings: `must be "GET" or "POST"`. */
export const oneOfCheck =
  <const Value extends string>(values: readonly Value[]): Check<Value> =>
  (value, report) => {
    if (!values.includes(value as Value)) report(`must be ${listOf(values.map((item) => `"${item}"`))}`, value);
  };

/** `a`, `a or b`, `a, b or c`. */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** An integer from `min` to `max`, in `unit` (` (minutes)`). */
export const integerCheck =
  (min: number, max: number, unit: string): Check<number> =>
  (value, report) => {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      report(`must be an integer from ${min} to ${max}${unit}`, value);
    }
  };

/** A count: a whole number of at least `min` (0 or 1). */
export const countCheck =
  (min: 0 | 1): Check<number> =>
  (value, report) => {
    if (!Number.isSafeInteger(value) || (value as number) < min) report(min === 0 ? 'must be a non-negative integer' : 'must be a positive integer', value);
  };

const LOCALIZED_EXPECTED = 'must be a non-empty string or an object of locale → message with a "default" entry';

/** A string, or an object of locale → message with a `default`; `option` names it in errors. */
export const localizedMessageCheck =
  (option: string): Check<LocalizedMessage> =>
  (value, report) => {
    if (typeof value === 'string') {
      checkText(value, report);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return report(LOCALIZED_EXPECTED, value);
    const messages = value as Record<string, unknown>;
    if (!Object.hasOwn(messages, 'default')) report(`is required when "options.${option}" is an object`, undefined, ['default']);
    for (const [locale, text] of Object.entries(messages)) checkText(text, report, [locale]);
  };
