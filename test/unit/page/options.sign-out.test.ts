import { describe, expect, it } from 'vitest';
import { createChangePasswordPage } from '../../../src/page/index.js';

/** Issue 23: `signOutOtherSessions` is checked when the page is created, like every option. */
const BASE = { domain: 'acme.eu.auth0.com', clientId: 'page-client', clientSecret: 'page-secret', sessionSecret: 'k'.repeat(32), log: false } as const;

describe('signOutOtherSessions', () => {
  it.each(['never', 'offer', 'always'] as const)('takes %s', (value) => {
    expect(() => createChangePasswordPage({ ...BASE, signOutOtherSessions: value })).not.toThrow();
  });

  it('refuses anything else, naming the option and the three values', () => {
    expect(() => createChangePasswordPage({ ...BASE, signOutOtherSessions: 'sometimes' as never })).toThrow(
      '[auth0-force-password-reset] createChangePasswordPage: "options.signOutOtherSessions" must be "never", "offer" or "always" (got "sometimes")',
    );
  });
});
