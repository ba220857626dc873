/**
 * ISO 8601 date-times as Auth0 writes them (`2026-02-01T10:00:00.000Z`), with or without seconds
 * and fractions, in UTC or with an offset. The ranges are checked below, so that an ISO-shaped but
 * impossible time (`2026-13-01T00:00:00.000Z`, `2026-02-30T…`) is not a time.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Milliseconds since the epoch of an ISO 8601 date-time, or `undefined` when `value` is not one —
 * not a string, another format, or a date that does not exist. Every time this library reads from
 * an event, `app_metadata` or a Management API answer goes through here.
 */
export function parseIsoTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Date.UTC rolls an impossible day over (February 30 → March 2): it must come back unchanged.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** `new Date(ms).toISOString()`, or `undefined` for an instant outside the range of `Date`. */
export function formatIsoTime(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
