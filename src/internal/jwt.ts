import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../obligation/obligation.js';

/**
 * JSON Web Tokens (RFC 7519), the library's one place for them. Two jobs, kept apart by name:
 *
 * - {@link readClaimsUnverified}: the claims of a token this library only carries — a Management API
 *   access token, whose lifetime and scopes it reads when the token answer leaves them out. Nothing
 *   is checked, so nothing read this way may decide whom to trust.
 * - HS256 (RFC 7515's HMAC-SHA256), signed and verified with one shared key — the form Auth0's
 *   `api.redirect.encodeToken` and `validateToken` use. The change-password page signs and checks its
 *   session tokens with it, and the test doubles of Auth0 (the local tenant's access tokens, the
 *   recording api's `api.redirect`) sign theirs. Only `HS256` is ever accepted: a token whose header
 *   names another algorithm (`none` above all) is refused before its signature is looked at.
 */

/** Why a token was refused. */
export type TokenRefusal = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid';

/** Longer than any token either side makes; a longer one is refused before any work. */
const MAX_TOKEN_LENGTH = 8_192;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
/** A little tolerance for clocks that disagree, on `exp` and `nbf`: a token is accepted this long past its `exp`. */
export const CLOCK_TOLERANCE_SECONDS = 5;

const sign = (input: string, key: string | Buffer) => createHmac('sha256', key).update(input).digest();

/** Signs `claims` (which should hold `exp`) with `key`. */
export function signHs256(claims: Readonly<Record<string, unknown>>, key: string | Buffer): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(input, key).toString('base64url')}`;
}

/**
 * The bytes of a base64url part, or `undefined` unless `part` is their one canonical spelling: no
 * padding, no character outside the alphabet, and no set bit among the unused low bits of the last
 * character. A lenient decoder reads several spellings of one signature as the same bytes, and anything
 * keyed on a token's text (a used-session store) would then see several tokens.
 */
function decodeCanonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/**
 * The JSON value a base64url part of a token spells, or `undefined`. `canonical`: only from the part's
 * one canonical spelling (for a token being verified); otherwise as any lenient decoder reads it.
 */
function decodeJson(part: string, { canonical }: { readonly canonical: boolean }): unknown {
  const bytes = canonical ? decodeCanonical(part) : Buffer.from(part, 'base64url');
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The claims of a JWT, read WITHOUT checking its signature, its algorithm or its expiry; `{}` for an
 * opaque token, or one whose second part is not a base64url-encoded JSON object.
 * For a token the library only carries, never for one it must trust: {@link verifyHs256} is for those.
 */
export function readClaimsUnverified(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  const claims = payload === undefined ? undefined : decodeJson(payload, { canonical: false });
  return isRecord(claims) ? claims : {};
}

/** A token whose form, algorithm and signature are right. */
export interface VerifiedToken {
  readonly claims: Record<string, unknown>;
  /**
   * `header.payload`: exactly what the signature covers. Every part is canonical base64url, so one
   * signed content has one text: a store keyed on it cannot be walked around by spelling a token
   * another way.
   */
  readonly signedPart: string;
}

/**
 * The claims of `token` when it is an HS256 JWT signed with `key` — its form (canonical base64url
 * only), `alg` (HS256 only), no `crit` header (RFC 7515 §4.1.11: refuse what is not understood, and
 * nothing is) and the signature (in constant time); expiry and the other claims are the caller's to check.
 */
export function verifyHs256Signature(
  token: unknown,
  key: string | Buffer,
): VerifiedToken | { readonly refused: 'malformed' | 'algorithm' | 'signature' } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { refused: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return { refused: 'malformed' };
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  // Other JWT libraries may order or space the header differently: read it, do not compare bytes.
  const header = decodeJson(encodedHeader, { canonical: true });
  if (!isRecord(header)) return { refused: 'malformed' };
  if (header['alg'] !== 'HS256' || (header['typ'] !== undefined && header['typ'] !== 'JWT')) return { refused: 'algorithm' };
  if (header['crit'] !== undefined) return { refused: 'malformed' };
  const signedPart = `${encodedHeader}.${encodedClaims}`;
  const expected = sign(signedPart, key);
  const given = decodeCanonical(encodedSignature);
  if (given === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'signature' };
  const claims = decodeJson(encodedClaims, { canonical: true });
  return isRecord(claims) ? { claims, signedPart } : { refused: 'malformed' };
}

/**
 * Verifies a token as {@link verifyHs256Signature} does, then `exp` (required) and `nbf` against
 * `nowSeconds`. Returns the claims, or why it was refused. Never throws.
 */
export function verifyHs256(
  token: unknown,
  key: string | Buffer,
  nowSeconds: number,
): VerifiedToken | { readonly refused: TokenRefusal } {
  const verified = verifyHs256Signature(token, key);
  if ('refused' in verified) return verified;
  const { claims } = verified;
  if (typeof claims['exp'] !== 'number') return { refused: 'malformed' };
  if (claims['exp'] + CLOCK_TOLERANCE_SECONDS <= nowSeconds) return { refused: 'expired' };
  if (typeof claims['nbf'] === 'number' && claims['nbf'] - CLOCK_TOLERANCE_SECONDS > nowSeconds) return { refused: 'not-yet-valid' };
  return verified;
}
