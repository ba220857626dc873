/**
 * Times as Auth0 writes them, read strictly.
 *
 * Auth0 writes every time in one form, `2026-02-01T10:00:00.000Z` — what `toISOString()` writes.
 * {@link toIsoInstant} checks a value and brings any other ISO 8601 form to it; such
 * {@link IsoInstant}s sort as text exactly as the instants they name, so the obligation rule
 * compares them with `<`. {@link parseIsoTime} gives milliseconds where arithmetic needs them.
 *
 * `Date.parse` reads, once a pattern has checked the text: alone it is not strict (it takes `24:00`,
 * and rolls a day the month lacks into the next month: `2026-02-30` is 2 March). Two steps of a
 * login do without the built-ins, because the benchmark showed they would cost the gate its target
 * (CONTRIBUTING.md, "The login path and the benchmark"): {@link toIsoInstant} only checks a time in
 * Auth0's form on the 1st to the 28th of a month, and {@link isoInstantOf} writes one without
 * `toISOString()`.
 */

/** An ISO 8601 date-time: with or without seconds and fractions, in UTC or with an offset; every field in range, the day up to 31. */
const ISO_DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Auth0's form on a day every month has, the 1st to the 28th: such a text is an instant as it stands. */
const ISO_INSTANT_TO_28TH = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: the years `toISOString()` writes with four digits. */
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

/** Whether the date a checked text starts with exists: `Date.parse` rolls `2026-02-30` into March, another day. */
function dateExists(text: string): boolean {
  const day = Number(text.slice(8, 10));
  return day <= 28 || new Date(Date.parse(text.slice(0, 10))).getUTCDate() === day;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date-time, or `undefined` when `value` is not one —
 * not a string, another format, a date that does not exist (`2026-13-01…`, `2026-02-30…`), or an
 * offset that moves the instant out of the years 0000–9999 (`0000-01-01T00:30:00+01:00`).
 */
export function parseIsoTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || !dateExists(value)) return undefined;
  const ms = Date.parse(value);
  return ms >= YEAR_0 && ms < YEAR_10000 ? ms : undefined;
}

/** `new Date(ms).toISOString()`, or `undefined` for an instant `Date` cannot hold. */
export function formatIsoTime(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

declare const isoInstant: unique symbol;

/**
 * An instant in the form `YYYY-MM-DDTHH:mm:ss.sssZ` (years 0000–9999), every field in range. Two of
 * them compare with `<` and `>` as the instants they name.
 */
export type IsoInstant = string & { readonly [isoInstant]: true };

const DAY_MS = 86_400_000;

/** The civil date of a day since 1970-01-01, after Howard Hinnant's `civil_from_days` (https://howardhinnant.github.io/date_algorithms.html). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1 };
}

const two = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/**
 * The {@link IsoInstant} of `ms` epoch milliseconds — what `new Date(ms).toISOString()` writes — for
 * the years 0000–9999; else `undefined`.
 */
export function isoInstantOf(ms: number): IsoInstant | undefined {
  if (!(ms >= YEAR_0 && ms < YEAR_10000)) return undefined;
  // `Date` drops a fraction of a millisecond toward zero.
  const at = Math.trunc(ms);
  const days = Math.floor(at / DAY_MS);
  const { year, month, day } = civilFromDays(days);
  const msOfDay = at - days * DAY_MS;
  const hours = Math.floor(msOfDay / 3_600_000);
  const minutes = Math.floor(msOfDay / 60_000) % 60;
  const seconds = Math.floor(msOfDay / 1000) % 60;
  const milliseconds = msOfDay % 1000;
  const yearText = year < 1000 ? String(year).padStart(4, '0') : `${year}`;
  const msText = milliseconds < 100 ? `0${two(milliseconds)}` : `${milliseconds}`;
  return `${yearText}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${msText}Z` as IsoInstant;
}

/**
 * `value` as an {@link IsoInstant}, or `undefined` when it is not a time ({@link parseIsoTime}). A time in Auth0's form up to the 28th of a month (most of them) is only
 * checked; any other is read and written in Auth0's form (`+02:00`, no milliseconds, a 29th to 31st).
 */
export function toIsoInstant(value: unknown): IsoInstant | undefined {
  if (typeof value !== 'string') return undefined;
  if (ISO_INSTANT_TO_28TH.test(value)) return value as IsoInstant;
  const ms = parseIsoTime(value);
  return ms === undefined ? undefined : isoInstantOf(ms);
}
