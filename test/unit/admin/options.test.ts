import { describe, expect, it } from 'vitest';
import { resolveJobConfig } from '../../../src/admin/job-config.js';
import type { WaivePasswordChangeOptions } from '../../../src/admin/options.js';
import { requirePasswordChange } from '../../../src/admin/require-password-change.js';
import { waivePasswordChange } from '../../../src/admin/waive-password-change.js';
import { OptionsError } from '../../../src/errors/index.js';

const valid = { domain: 'acme.eu.auth0.com', clientId: 'client-id', clientSecret: 'client-secret', users: 'auth0|64b7f0c2a1d3e4f5a6b7c8d9' };

function messageOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return (error as Error).message;
  }
  throw new Error('expected an OptionsError');
}

const MUST_BE_DOMAIN =
  "must be the tenant's canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; https:// may be given, http:// only for a loopback host such as 127.0.0.1)";

const requireMessage = (options: unknown) => messageOf(() => resolveJobConfig('requirePasswordChange', options));

describe('options of requirePasswordChange and waivePasswordChange', () => {
  it('applies the defaults without touching the caller’s object', () => {
    const options = { ...valid, users: [valid.users, valid.users] };
    const frozen = Object.freeze({ ...options, users: Object.freeze([...options.users]) });
    const config = resolveJobConfig('requirePasswordChange', frozen);
    expect(config).toMatchObject({
      action: 'require',
      domain: { host: 'acme.eu.auth0.com', origin: 'https://acme.eu.auth0.com' },
      selection: { userIds: [valid.users] },
      keys: { flag: 'needsPasswordReset', flaggedAtKey: 'needsPasswordResetAt', emailedAtKey: 'needsPasswordResetEmailedAt', waivedAtKey: 'needsPasswordResetWaivedAt' },
      temporaryPassword: undefined,
      dryRun: false,
      rate: 2,
      requestTimeoutMs: 10_000,
      maxAttempts: 5,
    });
    expect(config.transport).toBe(globalThis.fetch);
  });

  it('accepts a domain written as a URL, and a query', () => {
    const config = resolveJobConfig('waivePasswordChange', { ...valid, domain: 'https://acme.eu.auth0.com/', users: { query: 'email:*@x.example' } });
    expect(config).toMatchObject({ action: 'waive', domain: { host: 'acme.eu.auth0.com' }, selection: { query: 'email:*@x.example' } });
  });

  it.each([
    [{ ...valid, users: 'ada@example.com' }, '"options.users" must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces) (got "ada@example.com")'],
    [{ ...valid, users: [valid.users, 'auth0|a b'] }, '"options.users[1]" must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces) (got "auth0|a b")'],
    [{ ...valid, users: [] }, '"options.users" must list at least one user id (got [])'],
    [{ ...valid, users: { query: '' } }, '"options.users.query" must be a non-empty user search query (Lucene syntax) (got "")'],
    [{ ...valid, users: 42 }, '"options.users" must be a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" } (got 42)'],
    [{ ...valid, flag: 'a.b' }, '"options.flag" must not contain "." or "$" (got "a.b")'],
    [{ ...valid, rate: 0 }, '"options.rate" must be a number of requests per second from 0.1 to 1000 (got 0)'],
    // Issue 10, item 10: a tiny rate overflowed the timer and turned pacing off.
    [{ ...valid, rate: 1e-7 }, '"options.rate" must be a number of requests per second from 0.1 to 1000 (got 1e-7)'],
    [{ ...valid, domain: 'acme.auth0.com/api/v2' }, `"options.domain" has a path, a query or a fragment: it ${MUST_BE_DOMAIN}`],
    [{ ...valid, flag: 'constructor' }, '"options.flag" must not be a name JavaScript objects already have (got "constructor")'],
    [{ ...valid, users: { query: 5 } }, '"options.users.query" must be a non-empty user search query (Lucene syntax) (got 5)'],
    [{ ...valid, users: { all: false } }, '"options.users.all" must be true (got false)'],
    [{ ...valid, users: { all: true, query: 'x' } }, '"options.users" must be a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" } (got an object)'],
    [{ ...valid, users: { all: true, connections: 'x' } }, '"options.users.connections" is not a known option (known: all)'],
    [{ ...valid, users: { connection: '' } }, '"options.users.connection" must be a connection name such as "Username-Password-Authentication" (got "")'],
    [{ ...valid, users: { connection: 'a b' } }, '"options.users.connection" must be a connection name: letters, digits and inner hyphens, at most 128 characters (got "a b")'],
    [{ ...valid, rate: Number.NaN }, '"options.rate" must be a number of requests per second from 0.1 to 1000 (got NaN)'],
    [{ ...valid, exclude: [valid.users, 5] }, '"options.exclude[1]" must be a user id (got 5)'],
    [{ ...valid, dryrun: true }, '"options.dryrun" is not a known option (known: domain, clientId, clientSecret, users, flag, dryRun, exclude, rate, fetch, requestTimeoutMs, maxAttempts, signal, exportTimeoutMs, onExport, onWait, concurrency, onStart, onUser, temporaryPassword, skipWaivedSince, revokeSessions)'],
  ])('rejects %j with a message naming the option', (options, expected) => {
    expect(requireMessage(options)).toBe(`[auth0-force-password-reset] requirePasswordChange: ${expected}`);
  });

  it('names every problem at once, a secret’s too, without quoting it', () => {
    expect(requireMessage({ ...valid, clientSecret: 1234567, users: 42, rate: 0, extra: true })).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.extra" is not a known option (known: domain, clientId, clientSecret, users, flag, dryRun, exclude, rate, fetch, requestTimeoutMs, maxAttempts, signal, exportTimeoutMs, onExport, onWait, concurrency, onStart, onUser, temporaryPassword, skipWaivedSince, revokeSessions); ' +
        '"options.clientSecret" must be a non-empty string (the value is not shown); ' +
        '"options.users" must be a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" } (got 42); ' +
        '"options.rate" must be a number of requests per second from 0.1 to 1000 (got 0)',
    );
    expect(requireMessage(undefined)).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.domain" is required: the canonical tenant domain, such as "acme.eu.auth0.com"; ' +
        '"options.clientId" is required: a non-empty string; "options.clientSecret" is required: a non-empty string; ' +
        '"options.users" is required: a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" }',
    );
    expect(requireMessage(null)).toBe('[auth0-force-password-reset] requirePasswordChange: "options" must be an object or undefined (got null)');
  });

  it('never quotes the client secret or the temporary password, whatever their type', () => {
    expect(requireMessage({ ...valid, clientSecret: 1234567, temporaryPassword: 7654321 })).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.clientSecret" must be a non-empty string (the value is not shown); "options.temporaryPassword" must be a non-empty string (the value is not shown)',
    );
    expect(requireMessage({ ...valid, clientSecret: undefined })).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.clientSecret" is required: a non-empty string',
    );
  });

  // Issue 10, items 7 and 8: a wrong domain is named by its problem, never quoted (swapped
  // environment variables put the client secret there), in time linear in its length.
  it.each([
    ['hK3x9_Q-longRandomClientSecretValue0123456789abcdefABCDEF-_xyz', 'is not a host name'],
    ['acme.auth0.com:0', 'has a port outside 1–65535'],
    ['acme.auth0.com:99999', 'has a port outside 1–65535'],
    ['.', 'is not a host name'],
    ['..', 'is not a host name'],
    ['-', 'is not a host name'],
    ['http://acme.auth0.com', 'uses http://, which only a loopback host (a local tenant) may'],
    ['ftp://acme.auth0.com', 'has a scheme other than https://'],
    ['user:pw@acme.auth0.com', 'has credentials in it'],
    [`acme.auth0.com${'/'.repeat(160_000)}x`, 'is too long to be a domain'],
  ])('rejects domain %#, naming the problem without quoting it', (domain, problem) => {
    const message = requireMessage({ ...valid, domain });
    expect(message).toBe(`[auth0-force-password-reset] requirePasswordChange: "options.domain" ${problem}: it ${MUST_BE_DOMAIN}`);
    if (domain.length >= 8) expect(message).not.toContain(domain.slice(0, 12));
  });

  it('tolerates many trailing slashes, in linear time (a regex took 27 s for 160,000)', () => {
    // The length cap answers first for long input; the trailing-slash loop is linear below it.
    const config = resolveJobConfig('waivePasswordChange', { ...valid, domain: `https://acme.eu.auth0.com${'/'.repeat(250)}` });
    expect(config.domain).toEqual({ host: 'acme.eu.auth0.com', origin: 'https://acme.eu.auth0.com' });
  });

  it('takes a loopback host over plain HTTP (a local tenant), and nothing else', () => {
    expect(resolveJobConfig('waivePasswordChange', { ...valid, domain: '127.0.0.1:4000' }).domain).toEqual({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' });
    expect(resolveJobConfig('waivePasswordChange', { ...valid, domain: 'http://localhost:4000/' }).domain).toEqual({ host: 'localhost:4000', origin: 'http://localhost:4000' });
    expect(resolveJobConfig('waivePasswordChange', { ...valid, domain: 'https://127.0.0.1:4000' }).domain.origin).toBe('https://127.0.0.1:4000');
  });

  it('rejects a temporary password for waive: it is not an option there', () => {
    expect(messageOf(() => resolveJobConfig('waivePasswordChange', { ...valid, temporaryPassword: 'Secret-Value-1' }))).toBe(
      '[auth0-force-password-reset] waivePasswordChange: "options.temporaryPassword" is not a known option (known: domain, clientId, clientSecret, users, flag, dryRun, exclude, rate, fetch, requestTimeoutMs, maxAttempts, signal, exportTimeoutMs, onExport, onWait, concurrency, onStart, onUser)',
    );
  });

  it('rejects bad options before any request: the public functions reject with the same error', async () => {
    const transport = async () => {
      throw new Error('no request expected');
    };
    await expect(requirePasswordChange({ ...valid, users: 'nope', fetch: transport })).rejects.toThrow(OptionsError);
    await expect(waivePasswordChange({ ...valid, rate: -1, fetch: transport } as WaivePasswordChangeOptions)).rejects.toThrow(
      '"options.rate" must be a number of requests per second',
    );
  });
});
