import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact HS256 JSON Web Tokens, for the test doubles of Auth0 that sign something: the local
 * tenant's access tokens and the `api.redirect` session tokens. Test code only: no `alg` other than
 * HS256 is ever accepted, so `alg: none` and key confusion cannot pass.
 */

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** The decoded JSON object of one token segment, or `undefined` when it is not one. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function signature(signingInput: string, key: string | Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** Signs `claims` with `key` into `header.payload.signature`. */
export function signHs256Jwt(claims: Readonly<Record<string, unknown>>, key: string | Buffer): string {
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, key).toString('base64url')}`;
}

/** Why {@link verifyHs256Jwt} refused a token. */
export type Hs256Refusal = 'malformed' | 'unexpected-header' | 'bad-signature';

/**
 * The claims of `token` when it is an HS256 JWT signed with `key`; otherwise why not. Checks the
 * header and the signature only: expiry and the other claims are the caller's to check.
 */
export function verifyHs256Jwt(
  token: string,
  key: string | Buffer,
): { readonly claims: Record<string, unknown> } | { readonly refused: Hs256Refusal } {
  const [header, payload, given, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || given === undefined || rest.length > 0) return { refused: 'malformed' };
  // Other JWT libraries may order or space the header differently: read it, do not compare bytes.
  const decodedHeader = decodeSegment(header);
  if (decodedHeader === undefined) return { refused: 'malformed' };
  if (decodedHeader['alg'] !== 'HS256' || (decodedHeader['typ'] !== undefined && decodedHeader['typ'] !== 'JWT')) {
    return { refused: 'unexpected-header' };
  }
  const expected = signature(`${header}.${payload}`, key);
  const provided = Buffer.from(given, 'base64url');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) return { refused: 'bad-signature' };
  const claims = decodeSegment(payload);
  return claims === undefined ? { refused: 'malformed' } : { claims };
}
