import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import { resolveJobConfig } from '../../src/admin/job-config.js';
import {
  requirePasswordChangeOptionsSchema,
  waivePasswordChangeOptionsSchema,
  type RequirePasswordChangeOptions,
  type WaivePasswordChangeOptions,
} from '../../src/admin/options.js';
import { requirePasswordChange } from '../../src/admin/require-password-change.js';
import { waivePasswordChange } from '../../src/admin/waive-password-change.js';
import { OptionsError } from '../../src/errors/index.js';

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

const requireMessage = (options: unknown) => messageOf(() => resolveJobConfig('requirePasswordChange', options));

describe('options of requirePasswordChange and waivePasswordChange', () => {
  it('applies the defaults without touching the caller’s object', () => {
    const options = { ...valid, users: [valid.users, valid.users] };
    const frozen = Object.freeze({ ...options, users: Object.freeze([...options.users]) });
    const config = resolveJobConfig('requirePasswordChange', frozen);
    expect(config).toMatchObject({
      action: 'require',
      domain: 'acme.eu.auth0.com',
      selection: { userIds: [valid.users] },
      flag: 'needsPasswordReset',
      flaggedAtKey: 'needsPasswordResetAt',
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
    expect(config).toMatchObject({ action: 'waive', domain: 'acme.eu.auth0.com', selection: { query: 'email:*@x.example' } });
  });

  it.each([
    [{ ...valid, users: 'ada@example.com' }, '"options.users" must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces) (got "ada@example.com")'],
    [{ ...valid, users: [valid.users, 'auth0|a b'] }, '"options.users[1]" must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces) (got "auth0|a b")'],
    [{ ...valid, users: [] }, '"options.users" must list at least one user id (got [])'],
    [{ ...valid, users: { query: '' } }, '"options.users.query" must be a non-empty user search query (Lucene syntax) (got "")'],
    [{ ...valid, users: 42 }, '"options.users" must be a user id, an array of user ids, or { query: "<user search query>" } (got 42)'],
    [{ ...valid, flag: 'a.b' }, '"options.flag" must not contain "." or "$" (got "a.b")'],
    [{ ...valid, rate: 0 }, '"options.rate" must be a number of requests per second, above 0 and at most 100 (got 0)'],
    [{ ...valid, domain: 'acme.auth0.com/api/v2' }, '"options.domain" must be the tenant\'s canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; no path) (got "acme.auth0.com/api/v2")'],
    [{ ...valid, dryrun: true }, '"options.dryrun" is not a known option (known: domain, clientId, clientSecret, users, flag, dryRun, exclude, rate, fetch, requestTimeoutMs, maxAttempts, signal, onStart, onUser, temporaryPassword)'],
  ])('rejects %j with a message naming the option', (options, expected) => {
    expect(requireMessage(options)).toBe(`[auth0-force-password-reset] requirePasswordChange: ${expected}`);
  });

  it('never quotes the client secret or the temporary password, whatever their type', () => {
    expect(requireMessage({ ...valid, clientSecret: 1234567, temporaryPassword: 7654321 })).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.clientSecret" must be a non-empty string (the value is not shown); "options.temporaryPassword" must be a non-empty string (the value is not shown)',
    );
    expect(requireMessage({ ...valid, clientSecret: undefined })).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.clientSecret" is required: a non-empty string',
    );
  });

  it('rejects a temporary password for waive: it is not an option there', () => {
    expect(messageOf(() => resolveJobConfig('waivePasswordChange', { ...valid, temporaryPassword: 'Secret-Value-1' }))).toBe(
      '[auth0-force-password-reset] waivePasswordChange: "options.temporaryPassword" is not a known option (known: domain, clientId, clientSecret, users, flag, dryRun, exclude, rate, fetch, requestTimeoutMs, maxAttempts, signal, onStart, onUser)',
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

// Compile-only: the hand-written interfaces (what users see) and the schemas (what runs) agree.
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type Users = RequirePasswordChangeOptions['users'];
type RequireSchema = Omit<z.input<typeof requirePasswordChangeOptionsSchema>, 'users' | 'exclude'>;
type WaiveSchema = Omit<z.input<typeof waivePasswordChangeOptionsSchema>, 'users' | 'exclude'>;
expectTypeOf<keyof RequirePasswordChangeOptions>().toEqualTypeOf<keyof z.input<typeof requirePasswordChangeOptionsSchema>>();
expectTypeOf<keyof WaivePasswordChangeOptions>().toEqualTypeOf<keyof z.input<typeof waivePasswordChangeOptionsSchema>>();
expectTypeOf<Defined<Omit<RequirePasswordChangeOptions, 'users' | 'exclude'>>>().toEqualTypeOf<Defined<RequireSchema>>();
expectTypeOf<Defined<Omit<WaivePasswordChangeOptions, 'users' | 'exclude'>>>().toEqualTypeOf<Defined<WaiveSchema>>();
// `users` and `exclude` are readonly in the interfaces; otherwise the same.
expectTypeOf<Users>().toEqualTypeOf<string | readonly string[] | { readonly query: string }>();
expectTypeOf<z.input<typeof requirePasswordChangeOptionsSchema>['users']>().toExtend<Users>();
expectTypeOf<z.input<typeof requirePasswordChangeOptionsSchema>['exclude']>().toExtend<RequirePasswordChangeOptions['exclude']>();
