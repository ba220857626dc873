// Tests of this repo's thin actions with auth0-force-password-reset/testing.
// Run with `npx vitest run` (vitest is a devDependency of your Actions repo).
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildPostLoginEvent,
  createPostLoginApi,
  GOOGLE_CONNECTION,
  startLocalTenant,
} from 'auth0-force-password-reset/testing';

const require = createRequire(import.meta.url);
const { onExecutePostLogin } = require('../actions/post-login.js');
const { onExecutePostChangePassword } = require('../actions/post-change-password.js');

describe('post-login', () => {
  it('denies a first login and flags the user', async () => {
    const api = createPostLoginApi();
    await onExecutePostLogin(buildPostLoginEvent({ stats: { logins_count: 1 } }), api);
    expect(api.deniedWith).toBe('Please set a new password.');
    expect(api.pendingAppMetadata.mustChangePassword).toBe(true);
  });

  it('never gates a Google user', async () => {
    const api = createPostLoginApi();
    await onExecutePostLogin(buildPostLoginEvent({ connection: GOOGLE_CONNECTION }), api);
    expect(api.denials).toEqual([]);
  });
});

describe('the whole lifecycle on a local tenant', () => {
  let tenant;
  beforeEach(async () => {
    tenant = await startLocalTenant();
  });
  afterEach(async () => {
    await tenant.close();
  });

  it('flags, denies, clears through the Management API, then lets the user in', async () => {
    const { user_id } = tenant.users.create({ email: 'ada@example.com' });

    const first = await tenant.runLogin(user_id, onExecutePostLogin);
    expect(first.deniedWith).toBe('Please set a new password.');
    expect(first.user.app_metadata.mustChangePassword).toBe(true);

    // The clearer gets AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET from tenant.secrets and
    // reaches the tenant through the api the runner hands it: no fetch option, no global to replace.
    const change = tenant.runPasswordChange(user_id, 'A-new-passw0rd!', onExecutePostChangePassword);
    expect(await change.completion).toEqual({ ok: true });
    expect(tenant.users.get(user_id).app_metadata.mustChangePassword).toBe(false);

    const next = await tenant.runLogin(user_id, onExecutePostLogin);
    expect(next.allowed).toBe(true);
  });
});
