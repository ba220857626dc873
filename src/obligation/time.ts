/**
 * Times as Auth0 writes them, read strictly and written fast.
 *
 * The obligation rule compares {@link IsoInstant}s: times in the one form Auth0 and `toISOString()`
 * write (`2026-02-01T10:00:00.000Z`), checked field by field, which sort as text exactly as the
 * instants they name. {@link toIsoInstant} checks a value (any other ISO 8601 form is normalized to
 * it); {@link parseIsoTime} gives milliseconds where arithmetic needs them; the gate stamps `<flag>At`
 * with {@link formatIsoTime}.
 *
 * Why text: the gate runs on every login, and the benchmark (`npm run bench`) holds it to a quarter of
 * the original recipe's rate. Measured on this project's machines, turning such a string into a number
 * costs about 0.2 µs (`Date.parse` twice that), checking it about 0.07 µs, comparing two 0.02 µs. The
 * check is what the old text comparison lacked: `2026-13-01…` is no instant. Property tests compare
 * all of this with the built-ins over random instants.
 */

/** Other ISO 8601 date-times: with or without seconds and fractions, in UTC or with an offset. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/** The two digits at `index` as a number, or `NaN`. */
function twoDigits(text: string, index: number): number {
  const tens = text.charCodeAt(index) - 48;
  const units = text.charCodeAt(index + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : Number.NaN;
}

/** Days since 1970-01-01 of a civil date, after Howard Hinnant's `days_from_civil`. */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, every field in range; `undefined` for anything else. */
function parseCanonical(value: string): number | undefined {
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':' || value[19] !== '.') {
    return undefined;
  }
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hours = twoDigits(value, 11);
  const minutes = twoDigits(value, 14);
  const seconds = twoDigits(value, 17);
  const lastDigit = value.charCodeAt(22) - 48;
  const ms = twoDigits(value, 20) * 10 + (lastDigit >= 0 && lastDigit <= 9 ? lastDigit : Number.NaN);
  // NaN fails every comparison below.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hours <= 23 && minutes <= 59 && seconds <= 59 && ms >= 0)) {
    return undefined;
  }
  return daysFromCivil(year, month, day) * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date-time, or `undefined` when `value` is not one —
 * not a string, another format, or a date that does not exist (`2026-13-01…`, `2026-02-30…`).
 */
export function parseIsoTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (value.length === 24 && value[23] === 'Z') return parseCanonical(value);
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(match[1]), month)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

const pad2 = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/** Years 1970 to 9999: what `toISOString()` writes there without a sign. */
const MAX_FAST_MS = 253_402_300_800_000;

/** `YYYY-MM-DDT` of a day since 1970-01-01, after Howard Hinnant's `civil_from_days`. */
function dateText(days: number): string {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad2(month)}-${pad2(day)}T`;
}

const DIGIT_0 = 48;

/**
 * `HH:mm:ss.sssZ` of a millisecond of the day, as one flat string of character codes: a template of
 * padded parts costs twice as much on this path, and more again when the result is first compared.
 */
function timeOfDayText(msOfDay: number): string {
  const hours = Math.floor(msOfDay / 3_600_000);
  const minutes = Math.floor(msOfDay / 60_000) % 60;
  const seconds = Math.floor(msOfDay / 1000) % 60;
  const ms = msOfDay % 1000;
  return String.fromCharCode(
    DIGIT_0 + Math.floor(hours / 10), DIGIT_0 + (hours % 10), 58 /* : */,
    DIGIT_0 + Math.floor(minutes / 10), DIGIT_0 + (minutes % 10), 58 /* : */,
    DIGIT_0 + Math.floor(seconds / 10), DIGIT_0 + (seconds % 10), 46 /* . */,
    DIGIT_0 + Math.floor(ms / 100), DIGIT_0 + (Math.floor(ms / 10) % 10), DIGIT_0 + (ms % 10), 90 /* Z */,
  );
}

/** The last day {@link formatIsoTime} wrote, and its `YYYY-MM-DDT`: the times it writes fall on few days. */
let lastDay = { days: Number.NaN, text: '' };

/** `new Date(ms).toISOString()`, or `undefined` for an instant `Date` cannot hold. */
export function formatIsoTime(ms: number): string | undefined {
  if (!(ms >= 0 && ms < MAX_FAST_MS) || !Number.isInteger(ms)) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const days = Math.floor(ms / 86_400_000);
  if (lastDay.days !== days) lastDay = { days, text: dateText(days) };
  return lastDay.text + timeOfDayText(ms - days * 86_400_000);
}

declare const isoInstant: unique symbol;

/**
 * An instant in the form `YYYY-MM-DDTHH:mm:ss.sssZ` (years 0000–9999), every field in range. Two of
 * them compare with `<` and `>` as the instants they name.
 */
export type IsoInstant = string & { readonly [isoInstant]: true };

/** The canonical form, months, days (up to 31), hours, minutes and seconds in range. */
const CANONICAL = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * `value` as an {@link IsoInstant}, or `undefined` when it is not an ISO 8601 date-time that exists.
 * Auth0's own form is only checked (the common case: no number is made); another ISO form
 * (`+02:00`, no milliseconds) is normalized through {@link parseIsoTime}.
 */
export function toIsoInstant(value: unknown): IsoInstant | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 24 && CANONICAL.test(value)) {
    // The pattern lets any month have a 29th to 31st: those few days are checked in full.
    const tensOfDay = value.charCodeAt(8);
    if ((tensOfDay === 51 /* 3 */ || (tensOfDay === 50 /* 2 */ && value.charCodeAt(9) === 57)) /* 29 */) {
      const day = Number(value.slice(8, 10));
      if (day > daysInMonth(Number(value.slice(0, 4)), Number(value.slice(5, 7)))) return undefined;
    }
    return value as IsoInstant;
  }
  const ms = parseIsoTime(value);
  return ms === undefined ? undefined : (formatIsoTime(ms) as IsoInstant);
}

/** The {@link IsoInstant} of `ms` epoch milliseconds, for the years 0000–9999; else `undefined`. */
export function isoInstantOf(ms: number): IsoInstant | undefined {
  if (!(ms >= -62_167_219_200_000 && ms < MAX_FAST_MS)) return undefined;
  return formatIsoTime(ms) as IsoInstant;
}
