import { describe, expect, it } from 'vitest';
import { passwordPolicyFromOptions } from '../../../src/auth0/password-policy.js';

describe('passwordPolicyFromOptions', () => {
  it('reads a connection’s options as the Management API returns them', () => {
    expect(
      passwordPolicyFromOptions({ passwordPolicy: 'excellent', password_complexity_options: { min_length: 12 }, password_history: { enable: true, size: 3 } }),
    ).toEqual({ passwordPolicy: 'excellent', minLength: 12, passwordHistorySize: 3 });
    expect(passwordPolicyFromOptions({ passwordPolicy: 'good', password_history: { enable: false, size: 5 } })).toEqual({ passwordPolicy: 'good' });
  });

  it('reads a missing, null or unknown level as none, as Auth0 does', () => {
    expect(passwordPolicyFromOptions(undefined)).toEqual({ passwordPolicy: 'none' });
    expect(passwordPolicyFromOptions({ passwordPolicy: null })).toEqual({ passwordPolicy: 'none' });
    expect(passwordPolicyFromOptions({ passwordPolicy: 'strong' as never })).toEqual({ passwordPolicy: 'none' });
  });
});
