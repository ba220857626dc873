import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JSON Web Tokens (RFC 7519 with RFC 7515's HMAC-SHA256), signed and verified with one shared
 * key — the form Auth0's `api.redirect.encodeToken` and `validateToken` use. Only `HS256` is ever
 * accepted: a token whose header names another algorithm (`none` above all) is refused before its
 * signature is looked at.
 */

/** Why a token was refused. */
export type TokenRefusal = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid';

/** Longer than any token either side makes; a longer one is refused before any work. */
const MAX_TOKEN_LENGTH = 8_192;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
/** A little tolerance for clocks that disagree, on `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 5;

const sign = (input: string, key: string) => createHmac('sha256', key).update(input).digest();

/** Signs `claims` (which should hold `exp`) with `key`. */
export function signHs256(claims: Readonly<Record<string, unknown>>, key: string): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(input, key).toString('base64url')}`;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Verifies a token: its form, `alg` (HS256 only), the signature (in constant time), `exp` (required)
 * and `nbf` against `nowSeconds`. Returns the claims, or why it was refused. Never throws.
 */
export function verifyHs256(
  token: unknown,
  key: string,
  nowSeconds: number,
): { readonly claims: Record<string, unknown> } | { readonly refused: TokenRefusal } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { refused: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return { refused: 'malformed' };
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  const header = decodeJson(encodedHeader);
  if (!isRecord(header)) return { refused: 'malformed' };
  if (header['alg'] !== 'HS256' || (header['typ'] !== undefined && header['typ'] !== 'JWT')) return { refused: 'algorithm' };
  const expected = sign(`${encodedHeader}.${encodedClaims}`, key);
  const given = Buffer.from(encodedSignature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'signature' };
  const claims = decodeJson(encodedClaims);
  if (!isRecord(claims) || typeof claims['exp'] !== 'number') return { refused: 'malformed' };
  if (claims['exp'] + CLOCK_TOLERANCE_SECONDS <= nowSeconds) return { refused: 'expired' };
  if (typeof claims['nbf'] === 'number' && claims['nbf'] - CLOCK_TOLERANCE_SECONDS > nowSeconds) return { refused: 'not-yet-valid' };
  return { claims };
}
