import { describe, expect, it } from 'vitest';
import { parseExportedUser } from '../../../src/admin/exported-user.js';

describe('a line of a users export', () => {
  it('reads the fields asked for, the identity under our export_as', () => {
    const line = JSON.stringify({
      user_id: 'auth0|1',
      created_at: '2026-01-01T00:00:00.000Z',
      last_password_reset: '2026-02-01T00:00:00.000Z',
      app_metadata: { needsPasswordReset: true },
      provider: 'auth0',
      connection: 'Username-Password-Authentication',
    });
    expect(parseExportedUser(line)).toEqual({
      userId: 'auth0|1',
      provider: 'auth0',
      connection: 'Username-Password-Authentication',
      appMetadata: { needsPasswordReset: true },
      createdAt: '2026-01-01T00:00:00.000Z',
      lastPasswordReset: '2026-02-01T00:00:00.000Z',
    });
  });

  it.each([
    ['the dotted name itself', { 'identities[0].provider': 'auth0', 'identities[0].connection': 'db' }],
    ['the identities array', { identities: [{ provider: 'auth0', connection: 'db', user_id: '1' }, { provider: 'github', connection: 'github' }] }],
  ])('finds the primary identity under %s (how Auth0 names dotted fields is undocumented)', (_, fields) => {
    expect(parseExportedUser(JSON.stringify({ user_id: 'auth0|1', ...fields }))).toMatchObject({ provider: 'auth0', connection: 'db', appMetadata: {} });
  });

  it('takes app_metadata given as JSON text', () => {
    expect(parseExportedUser(JSON.stringify({ user_id: 'auth0|1', app_metadata: '{"needsPasswordReset":false}' }))).toMatchObject({ appMetadata: { needsPasswordReset: false } });
  });

  it.each([
    ['{"user_id":', 'is not JSON'],
    ['[1]', 'is not a JSON object'],
    ['{"email":"ada@example.com"}', 'has no user_id'],
    ['{"user_id":"auth0|1","app_metadata":[1]}', 'has an app_metadata that is not an object'],
    ['{"user_id":"auth0|1","app_metadata":"{not json"}', 'has an app_metadata that is not an object'],
  ])('says what is wrong with %s, without quoting it', (line, problem) => {
    expect(parseExportedUser(line)).toBe(problem);
  });
});
