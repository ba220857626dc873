import { describe, expect } from 'vitest';
import type { Auth0PasswordOptions } from '../../../../src/auth0/password-policy.js';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf, managementRequest, tenantTest as it } from '../../../helpers/local-tenant.js';

const DATABASE = 'Username-Password-Authentication';

// Auth0's 400s, as the Management API words them.
const refused = (error: string, words: string) => ({ statusCode: 400, error: 'Bad Request', message: `${error}: ${words}` });
const WEAK = refused('PasswordStrengthError', 'Password is too weak');
const COMMON = refused('PasswordDictionaryError', 'Password is too common');
const PERSONAL = refused('PasswordNoUserInfoError', 'Password contains user information');
const REUSED = refused('PasswordHistoryError', 'Password has previously been used');

/** Sets `options` on the default connection and answers, for each password, what PATCH /users/{id} says. */
async function patchesUnder(tenant: LocalTenant, options: Auth0PasswordOptions, passwords: string[], user = tenant.users.create({ password: 'ok-Initial-0' })) {
  tenant.connections.setPasswordOptions(DATABASE, options);
  const token = await accessTokenOf(tenant);
  const answers: Record<string, unknown> = {};
  for (const password of passwords) {
    const response = await managementRequest(tenant, token, 'PATCH', `/users/${encodeURIComponent(user.user_id)}`, { password });
    answers[password] = response.status === 200 ? 200 : await response.json();
  }
  return answers;
}

describe('a connection on the Flexible Password Policy', () => {
  it('is shown with password_options in place of the legacy keys, as Auth0 shows it', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections', 'read:connections_options'] });
    const passwordOptions = { history: { active: true, size: 5 }, dictionary: { active: true, default: 'en_10k' as const, custom: ['badPassword', 'reallyBadPassword'] } };
    tenant.connections.add({ name: 'staff', strategy: 'auth0', passwordOptions: { password_options: passwordOptions } });
    const token = await accessTokenOf(tenant);

    const response = await managementRequest(tenant, token, 'GET', `/connections/${tenant.connections.get('staff')!.id}`);

    expect((await response.json()).options).toEqual({ password_options: passwordOptions, brute_force_protection: true, strategy_version: 2 });
    expect(tenant.connections.passwordOptionsOf('staff')).toEqual({ password_options: passwordOptions });
    expect(tenant.connections.passwordPolicyOf('staff')).toBeUndefined();
  });

  it('refuses each composition rule at its boundary with Auth0’s PasswordStrengthError', async ({ tenant }) => {
    const answers = await patchesUnder(
      tenant,
      {
        password_options: {
          complexity: {
            min_length: 12,
            character_types: ['lowercase', 'uppercase', 'number', 'special'],
            character_type_rule: 'three_of_four',
            identical_characters: 'block',
            sequential_characters: 'block',
            max_length_exceeded: 'error',
          },
        },
      },
      ['Aa1-Aa1-Aa1', 'Aa1-Aa1-Aa1-', 'ab-ab-ab-ab-', 'Aa1-Xaaa1-Ax1-', 'Aa1-xabc1-Ax1-', 'Aa1-x321-Ax1-', `Aa1-${'Ax9-'.repeat(17)}`, `Aa1-${'Ax9-'.repeat(17)}Z`],
    );
    expect(answers).toEqual({
      'Aa1-Aa1-Aa1': WEAK, // 11 characters
      'Aa1-Aa1-Aa1-': 200, // 12
      'ab-ab-ab-ab-': WEAK, // two types of four
      'Aa1-Xaaa1-Ax1-': WEAK, // three identical
      'Aa1-xabc1-Ax1-': WEAK, // abc
      'Aa1-x321-Ax1-': WEAK, // 321
      [`Aa1-${'Ax9-'.repeat(17)}`]: 200, // 72 bytes
      [`Aa1-${'Ax9-'.repeat(17)}Z`]: WEAK, // 73
    });
    const bytes = await patchesUnder(tenant, { password_options: { complexity: { max_length_exceeded: 'error' } } }, [`${'é'.repeat(36)}`, `${'é'.repeat(36)}!`]);
    expect(bytes).toEqual({ ['é'.repeat(36)]: 200, [`${'é'.repeat(36)}!`]: WEAK });
    const truncated = await patchesUnder(tenant, { password_options: { complexity: { max_length_exceeded: 'truncate' } } }, ['é'.repeat(100)]);
    expect(truncated).toEqual({ ['é'.repeat(100)]: 200 });
  });

  it('refuses the 100,000 list’s passwords and the tenant’s own entries with Auth0’s PasswordDictionaryError', async ({ tenant }) => {
    const passwords = ['Password1', 'blue23', 'BadPassword', 'correcthorsebatterystaple'];
    const custom = ['badPassword', 'reallyBadPassword'];
    expect(await patchesUnder(tenant, { password_options: { dictionary: { active: true, default: 'en_100k', custom } } }, passwords)).toEqual({
      Password1: COMMON,
      blue23: COMMON, // the 10,001st most common: on the 100,000 list only
      BadPassword: COMMON,
      correcthorsebatterystaple: 200,
    });
    expect(await patchesUnder(tenant, { password_options: { dictionary: { active: true, default: 'en_10k', custom } } }, passwords)).toMatchObject({ blue23: 200 });
  });

  it('refuses the profile fields the policy names with Auth0’s PasswordNoUserInfoError', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'grace.hopper@example.com', name: 'Grace Hopper', nickname: 'amazing', password: 'ok-Initial-0', user_metadata: { city: 'Arlington' } });
    const options = { password_options: { profile_data: { active: true, blocked_fields: ['email', 'user_metadata.city'] } } };
    expect(await patchesUnder(tenant, options, ['x-Grace.Hopper-1', 'arlington-va-1', 'amazing-grace-1', 'example.com-1'], user)).toEqual({
      'x-Grace.Hopper-1': PERSONAL,
      'arlington-va-1': PERSONAL,
      'amazing-grace-1': 200, // nickname and name are not named
      'example.com-1': 200, // the domain is not the user's
    });
  });

  it('refuses a password of the recent history with Auth0’s PasswordHistoryError', async ({ tenant }) => {
    const user = tenant.users.create({ password: 'First-Passw0rd' });
    const options = { password_options: { history: { active: true, size: 2 } } };
    expect(await patchesUnder(tenant, options, ['First-Passw0rd', 'Second-Passw0rd'], user)).toEqual({ 'First-Passw0rd': REUSED, 'Second-Passw0rd': 200 });
    expect(await patchesUnder(tenant, options, ['First-Passw0rd', 'Third-Passw0rd'], user)).toEqual({ 'First-Passw0rd': REUSED, 'Third-Passw0rd': 200 });
    // Two passwords of history, the current one included: the first has dropped out.
    expect(await patchesUnder(tenant, options, ['First-Passw0rd'], user)).toEqual({ 'First-Passw0rd': 200 });
  });
});

describe('a connection on the legacy policy', () => {
  it('refuses the 10,000 list’s passwords, case-insensitively, and its own entries', async ({ tenant }) => {
    const answers = await patchesUnder(tenant, { passwordPolicy: 'low', password_dictionary: { enable: true, dictionary: ['Acme-2026'] } }, ['PASSWORD', 'blue23', 'acme-2026', 'correcthorse']);
    expect(answers).toEqual({ PASSWORD: COMMON, blue23: 200, 'acme-2026': COMMON, correcthorse: 200 });
  });

  it('refuses the name, user name, nickname, user_metadata name, first and last, and the email’s local part', async ({ tenant }) => {
    const user = tenant.users.create({
      email: 'jdoe@example.com',
      username: 'johnny',
      name: 'John Doe',
      nickname: 'jd-the-kid',
      password: 'ok-Initial-0',
      user_metadata: { first: 'Jonathan', last: 'Doerr' },
    });
    const answers = await patchesUnder(tenant, { passwordPolicy: 'low', password_no_personal_info: { enable: true } }, ['xxJDOExx', 'johnny-b-good', 'my john doe', 'JD-THE-KID', 'jonathan!', 'doerr!!', 'example-pass'], user);
    expect(answers).toEqual({
      xxJDOExx: PERSONAL,
      'johnny-b-good': PERSONAL,
      'my john doe': PERSONAL,
      'JD-THE-KID': PERSONAL,
      'jonathan!': PERSONAL,
      'doerr!!': PERSONAL,
      'example-pass': 200,
    });
  });

  it('answers the strength error first when a password breaks rules of several kinds', async ({ tenant }) => {
    expect(await patchesUnder(tenant, { passwordPolicy: 'good', password_dictionary: { enable: true } }, ['password'])).toEqual({ password: WEAK });
    expect(await patchesUnder(tenant, { passwordPolicy: 'good', password_dictionary: { enable: true } }, ['Password1'])).toEqual({ Password1: COMMON });
  });
});

describe('the store’s own checks', () => {
  it('name every rule a password breaks, in words, never the password', async ({ tenant }) => {
    tenant.connections.setPasswordOptions(DATABASE, { password_options: { complexity: { min_length: 10, sequential_characters: 'block' }, dictionary: { active: true } } });
    expect(() => tenant.users.create({ password: 'abc12' })).toThrow(
      'the password does not meet the password policy of "Username-Password-Authentication" (Flexible Password Policy): ' +
        'At least 10 characters; No more than 2 letters or numbers in sequence (such as “abc” or “321”) (Auth0 answers PasswordStrengthError)',
    );
    expect(() => tenant.users.create({ password: 'abc12' })).not.toThrow('abc12');
    expect(() => tenant.users.create({ password: 'qwertyuiop' })).toThrow('Not a commonly used password (Auth0 answers PasswordDictionaryError)');
  });

  it('refuse options Auth0 would refuse, naming each field, and a policy shape on a connection that cannot have one', async ({ tenant }) => {
    expect(() => tenant.connections.setPasswordOptions(DATABASE, { password_options: { complexity: { min_length: 0 }, history: { active: true, size: 30 } } })).toThrow(
      'localTenant.connections.setPasswordOptions: "options.password_options.complexity.min_length" must be an integer from 1 to 72 (characters) (got 0); ' +
        '"options.password_options.history.size" must be an integer from 1 to 24 (passwords) (got 30)',
    );
    expect(() => tenant.connections.add({ name: 'gh', strategy: 'github', passwordOptions: { password_options: {} } })).toThrow('a password policy is only for database connections');
    expect(() => tenant.connections.add({ name: 'db', strategy: 'auth0', passwordPolicy: 'good', passwordOptions: {} })).toThrow('not both');
    tenant.connections.setPasswordOptions(DATABASE, { password_options: {} });
    expect(() => tenant.connections.setPasswordPolicy(DATABASE, { passwordPolicy: 'good' })).toThrow('is on the Flexible Password Policy: change it with setPasswordOptions');
  });

  it('keep a legacy connection’s dictionary when its level changes', async ({ tenant }) => {
    tenant.connections.setPasswordOptions(DATABASE, { passwordPolicy: 'low', password_dictionary: { enable: true } });
    tenant.connections.setPasswordPolicy(DATABASE, { passwordPolicy: 'good', passwordHistorySize: 3 });
    expect(tenant.connections.passwordOptionsOf(DATABASE)).toEqual({ passwordPolicy: 'good', password_history: { enable: true, size: 3 }, password_dictionary: { enable: true } });
  });

  it('give a user created without a password one that meets every rule, their profile included', async ({ tenant }) => {
    tenant.connections.setPasswordOptions(DATABASE, {
      password_options: {
        complexity: { min_length: 72, character_types: ['lowercase', 'uppercase', 'number', 'special'], identical_characters: 'block', sequential_characters: 'block', max_length_exceeded: 'error' },
        profile_data: { active: true, blocked_fields: ['name'] },
      },
    });
    // The tenant refuses a password its rules refuse, so each create succeeding is the password passing.
    const users = Array.from({ length: 20 }, (_, index) => tenant.users.create({ email: `u${index}@example.com`, name: 'Aa' }));
    expect(users.map((user) => [user.name, user.identities[0]?.connection])).toEqual(Array.from({ length: 20 }, () => ['Aa', DATABASE]));
    // A random one: neither empty nor the 72-character floor spelled with one character.
    for (const user of users) expect([tenant.users.verifyPassword(user.user_id, ''), tenant.users.verifyPassword(user.user_id, 'A'.repeat(72))]).toEqual([false, false]);
  });
});
