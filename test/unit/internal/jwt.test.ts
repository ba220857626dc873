import { createHmac } from 'node:crypto';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { readClaimsUnverified, signHs256, verifyHs256 } from '../../../src/internal/jwt.js';

/**
 * Our HS256 tokens against an independent implementation (jose), both ways, and the refusals; and
 * the claims of a token read without verifying it.
 */
const KEY = 'a-shared-key-of-at-least-32-bytes!!';
const secret = new TextEncoder().encode(KEY);
const NOW = 1_790_000_000;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 tokens', () => {
  it('are read by jose as we wrote them', async () => {
    const token = signHs256({ sub: 'auth0|1', exp: NOW + 60, state: 's' }, KEY);
    const { payload, protectedHeader } = await jwtVerify(token, secret, { currentDate: new Date(NOW * 1000) });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ sub: 'auth0|1', exp: NOW + 60, state: 's' });
  });

  it('read what jose writes', async () => {
    const token = await new SignJWT({ purpose: 'x' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('auth0|2').setExpirationTime(NOW + 60).sign(secret);
    expect(verifyHs256(token, KEY, NOW)).toEqual({ claims: { purpose: 'x', sub: 'auth0|2', exp: NOW + 60 }, signedPart: token.split('.').slice(0, 2).join('.') });
  });

  it('refuse every spelling of a signature but the canonical one (its last character has 2 unused bits)', () => {
    const token = signHs256({ exp: NOW + 60 }, KEY);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const spellings = [0, 1, 2, 3].map((low) => `${token.slice(0, -1)}${alphabet[(last & ~0b11) | low]}`);
    // Node's decoder reads all four as the same 32 bytes; only one is the token.
    expect(new Set(spellings.map((spelling) => Buffer.from(spelling.split('.')[2]!, 'base64url').toString('hex'))).size).toBe(1);
    expect(spellings.map((spelling) => ('refused' in verifyHs256(spelling, KEY, NOW) ? 'refused' : 'accepted')).sort()).toEqual(['accepted', 'refused', 'refused', 'refused']);
  });

  it('refuse a payload spelled another way, even when the signature covers that text', () => {
    // "{}" is e30 in canonical base64url; e31 decodes to the same bytes but is another text.
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.e31`;
    const token = `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
    expect(Buffer.from('e31', 'base64url').toString()).toBe('{}');
    expect(verifyHs256(token, KEY, NOW)).toEqual({ refused: 'malformed' });
  });

  it.each([
    ['another key', signHs256({ exp: NOW + 60 }, 'another key, also long enough to be used'), 'signature'],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ exp: NOW + 60 })}.`, 'algorithm'],
    ['alg HS512', `${b64({ alg: 'HS512' })}.${b64({ exp: NOW + 60 })}.c2ln`, 'algorithm'],
    ['a crit header (RFC 7515 §4.1.11: an extension we do not understand)', (() => { const h = b64({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }); const c = b64({ exp: NOW + 60 }); return `${h}.${c}.${createHmac('sha256', KEY).update(`${h}.${c}`).digest('base64url')}`; })(), 'malformed'],
    ['a padded signature', `${signHs256({ exp: NOW + 60 }, KEY)}=`, 'malformed'],
    ['a changed payload', (() => { const [h, , s] = signHs256({ exp: NOW + 60, sub: 'a' }, KEY).split('.'); return `${h}.${b64({ exp: NOW + 60, sub: 'b' })}.${s}`; })(), 'signature'],
    ['an expired token', signHs256({ exp: NOW - 10 }, KEY), 'expired'],
    ['a token not yet valid', signHs256({ exp: NOW + 600, nbf: NOW + 300 }, KEY), 'not-yet-valid'],
    ['no exp', signHs256({ sub: 'x' }, KEY), 'malformed'],
    ['two parts', 'a.b', 'malformed'],
    ['not a string', 42, 'malformed'],
    ['a huge token', 'a'.repeat(10_000), 'malformed'],
  ])('refuses %s', (_name, token, refused) => {
    expect(verifyHs256(token, KEY, NOW)).toEqual({ refused });
  });
});

describe('the claims of a token read without verifying it (a Management API access token)', () => {
  it('are read from a token signed with a key this library does not have, in an algorithm it does not verify', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scope: 'read:users' }).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).setExpirationTime(NOW + 86_400).sign(privateKey);
    expect(readClaimsUnverified(token)).toEqual({ scope: 'read:users', exp: NOW + 86_400 });
    // The verifier refuses the same token: reading is not trusting.
    expect(verifyHs256(token, KEY, NOW)).toEqual({ refused: 'algorithm' });
  });

  it('read a payload as any lenient decoder does: padded, which a verified token may not be', () => {
    const padded = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: NOW + 60 })}==`;
    expect(readClaimsUnverified(`${padded}.s`)).toEqual({ exp: NOW + 60 });
    expect(verifyHs256(`${padded}.${createHmac('sha256', KEY).update(padded).digest('base64url')}`, KEY, NOW)).toEqual({ refused: 'malformed' });
  });

  it.each([
    ['an opaque token', 'opaque-token-1'],
    ['a payload that is not JSON', `h.${Buffer.from('not json').toString('base64url')}.s`],
    ['a payload that is a JSON array', `h.${b64(['exp', NOW])}.s`],
    ['a payload that is JSON null', `h.${b64(null)}.s`],
  ])('are none for %s', (_name, token) => {
    expect(readClaimsUnverified(token)).toEqual({});
  });
});
