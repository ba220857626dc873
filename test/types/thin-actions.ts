/**
 * Compile-only: thin actions written in TypeScript type-check against the exported Auth0 types,
 * and misuse does not. (Run by `npm run typecheck`, part of `npm test`.)
 */
import { expectTypeOf } from 'vitest';
import {
  createFirstLoginGate,
  createPasswordResetClearer,
  isForcePasswordResetError,
  type PostChangePasswordApi,
  type PostChangePasswordEvent,
  type PostChangePasswordHandler,
  type PostLoginApi,
  type PostLoginEvent,
  type PostLoginHandler,
} from '../../src/index.js';

// The canonical thin actions.
export const onExecutePostLogin: PostLoginHandler = createFirstLoginGate({
  flag: 'mustChangePassword',
  message: { default: 'Please set a new password.', fr: 'Veuillez choisir un nouveau mot de passe.' },
  connections: ['Username-Password-Authentication'],
  mode: 'report',
  log: (entry) => {
    expectTypeOf(entry.decision).toEqualTypeOf<'allow' | 'deny' | 'redirect' | 'clear' | 'keep' | 'skip' | 'fail' | 'warn' | 'show' | 'refuse' | 'change'>();
  },
});
export const onExecutePostChangePassword: PostChangePasswordHandler = createPasswordResetClearer({
  flag: 'mustChangePassword',
  secrets: { domain: 'MGMT_DOMAIN' },
});

// A hand-written action composing the gate with the tenant's own logic.
const gate = createFirstLoginGate();
export async function customPostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
  if (event.client.metadata['skipPasswordGate'] === 'true') return;
  if (event.transaction?.protocol === 'oauth2-refresh-token') expectTypeOf(event.stats.logins_count).toBeNumber();
  expectTypeOf(event.user.last_password_reset).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.connection.strategy).toBeString();
  api.user.setAppMetadata('lastSeenBy', 'custom-action');
  await gate(event, api);
}

export async function customPostChangePassword(event: PostChangePasswordEvent, api: PostChangePasswordApi) {
  // Auth0 gives this trigger no app_metadata.
  // @ts-expect-error app_metadata does not exist on the post-change-password user
  void event.user.app_metadata;
  const result = api.cache.set('k', 'v', { ttl: 60_000 });
  if (result.type === 'error') expectTypeOf(result.code).toBeString();
  try {
    await onExecutePostChangePassword(event, api);
  } catch (error) {
    if (isForcePasswordResetError(error)) expectTypeOf(error.code).toBeString();
  }
}

// Misuse is caught at compile time.
// @ts-expect-error unknown option
createFirstLoginGate({ flags: 'x' });
// @ts-expect-error mode is 'enforce' | 'report'
createFirstLoginGate({ mode: 'dry-run' });
// @ts-expect-error a localized message needs a default entry
createFirstLoginGate({ message: { fr: 'Bonjour' } });
// @ts-expect-error the recipe's broken sample passed a user id first
((api: PostLoginApi) => api.user.setAppMetadata('auth0|123', 'needsPasswordReset', true))(null as never);
