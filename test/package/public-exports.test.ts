/**
 * The package's public names, entry by entry, as a user's editor reads them from the built declarations
 * (scripts/public-exports.mjs): each entry names what its users name — a thin action, a test of one, an
 * Action that uses more of Auth0's api — and no two entries give one name to two different types.
 * A name added to an entry is added here too, on purpose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicExports, sharedNames, type EntryExports } from '../../scripts/public-exports.mjs';
import { assertBuilt, ROOT, runNode, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

/** The Auth0 types a thin action names, which the main entry re-exports from `/auth0-types`. */
const THIN_ACTION_AUTH0_TYPES = [
  'PostChangePasswordApi',
  'PostChangePasswordEvent',
  'PostChangePasswordHandler',
  'PostLoginApi',
  'PostLoginContinueHandler',
  'PostLoginEvent',
  'PostLoginHandler',
];

describe('the public names of each entry (dist/*.d.ts)', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  let entries: Record<string, EntryExports>;
  beforeAll(() => {
    assertBuilt();
    entries = publicExports(ROOT);
  }, SUBPROCESS_TIMEOUT_MS);

  it('the main entry: the two factories, their options, the log entry, the errors, and the seven Auth0 types a thin action names', () => {
    expect(entries['.']).toEqual({
      values: [
        'ForcePasswordResetError', 'InvalidEventError', 'ManagementApiError', 'OptionsError', 'SecretsError', 'VERSION',
        'createFirstLoginGate', 'createPasswordResetClearer', 'isForcePasswordResetError',
      ],
      types: [
        'ClearerSecretNames', 'ExemptOptions', 'FirstLoginGate', 'FirstLoginGateOptions', 'ForcePasswordResetErrorCode',
        'GateDecision', 'GateReason', 'LocalizedMessage', 'LogEntry', 'LogOption', 'LogTrigger', 'ManagementApiStep',
        'MaxPasswordAgeOptions', 'OptionsIssue', 'PageRedirectOptions', 'PasswordResetClearerOptions',
        'PasswordsSetBeforeOptions', ...THIN_ACTION_AUTH0_TYPES, 'ResetEmailOptions',
      ].sort(),
      namespaces: [],
    });
  });

  it('/auth0-types: Auth0’s types only — no code — among them every one the main entry names', () => {
    const auth0Types = entries['./auth0-types']!;
    expect(auth0Types.values).toEqual([]);
    expect(auth0Types.namespaces).toEqual([]);
    expect(auth0Types.types).toEqual(expect.arrayContaining([...THIN_ACTION_AUTH0_TYPES, 'PostLoginUser', 'RedirectTokenPayload', 'Auth0PasswordOptions']));
    // Its module is empty, and loads through either loader (a stray value import fails at compile time, not here).
    expect(runNode(`console.log(JSON.stringify(Object.keys(require('auth0-force-password-reset/auth0-types'))))`)).toEqual([]);
    expect(
      runNode(`import('auth0-force-password-reset/auth0-types').then((m) => console.log(JSON.stringify(Object.keys(m))))`),
    ).toEqual([]);
  });

  it('/testing: the functions of its guide and the tenant’s runners, what they take and give, and nothing of the local tenant’s insides', () => {
    expect(entries['./testing']).toEqual({
      values: [
        'AUTH0_CACHE_LIMITS', 'DATABASE_CONNECTION', 'GOOGLE_CONNECTION', 'OptionsError', 'SAML_CONNECTION', 'TEST_HOSTNAME',
        'buildPostChangePasswordEvent', 'buildPostLoginEvent', 'createMemoryCache', 'createPostChangePasswordApi',
        'createPostLoginApi', 'startLocalApplication', 'startLocalTenant',
      ],
      types: [
        'ContinueLoginOptions', 'CreateUserInput', 'DeepPartial', 'LocalApplication', 'LocalApplicationOptions', 'LocalTenant',
        'LocalTenantActions', 'LocalTenantOptions', 'LoginOutcome', 'MemoryCache', 'OptionsIssue', 'PasswordChangeCompletion',
        'PasswordChangeRun', 'PasswordPolicy', 'PostChangePasswordHandlers', 'PostLoginApiOptions', 'PostLoginHandlers',
        'RecordedApiCall', 'RecordedRedirect', 'RecordingApiOptions', 'RecordingPostChangePasswordApi', 'RecordingPostLoginApi',
        'RunLoginOptions', 'RunPasswordChangeOptions', 'TenantUser',
      ],
      namespaces: [],
    });
    // Every function and constant it exports is one its guide documents.
    const guide = readFileSync(join(ROOT, 'docs', 'testing-your-actions.md'), 'utf8');
    expect(entries['./testing']!.values.filter((name) => !guide.includes(`\`${name}`))).toEqual([]);
  });

  it('no two entries export different types under one name (a name shared is the same declaration)', () => {
    const shared = sharedNames(ROOT);
    expect(shared.map(({ name }) => name)).toEqual(expect.arrayContaining(['OptionsError', 'PostLoginEvent', 'LogEntry']));
    expect(shared.filter(({ same }) => !same)).toEqual([]);
  });
});
