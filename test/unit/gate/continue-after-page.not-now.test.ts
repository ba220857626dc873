import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PostLoginEvent } from '../../../src/auth0/post-login.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import { signHs256, verifyHs256 } from '../../../src/internal/jwt.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { buildPostLoginEvent, type DeepPartial } from '../../../src/testing/events.js';
import { createPostLoginApi, type RecordingPostLoginApi } from '../../../src/testing/recording-api.js';

/**
 * Issue 23, item 2, the gate's half of "Not now": an interactive login in a warning window goes to the
 * page with `due`, and the page's signed "skipped" answer lets that one login in — only while the
 * gate's own decision is still a warning.
 */
const KEY = 'k'.repeat(48);
const PAGE = 'https://login-help.example.com/change-password';
const SET = '2026-01-10T08:00:00.000Z';
const DUE = '2026-04-10T08:00:00.000Z'; // SET + 90 days
const IN_WINDOW = Date.parse('2026-04-01T00:00:00.000Z');
const STATE = 'state-from-auth0';
const options: FirstLoginGateOptions = { maxPasswordAgeDays: { days: 90, warnDays: 14 } };

afterEach(() => {
  vi.useRealTimers();
});

function setup(overrides: DeepPartial<PostLoginEvent> = {}) {
  const logs: LogEntry[] = [];
  const gate = createFirstLoginGate({ ...options, changePasswordPage: { url: PAGE }, log: (entry) => void logs.push({ ...entry }) });
  const event = buildPostLoginEvent({ stats: { logins_count: 9 }, user: { last_password_reset: SET }, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY }, ...overrides });
  return { gate, event, api: createPostLoginApi({ event }), logs };
}

const sessionOf = (api: RecordingPostLoginApi) => {
  const token = new URL(api.redirectedTo!.url).searchParams.get('session_token');
  const verified = verifyHs256(token, KEY, Math.floor(Date.now() / 1000));
  if ('refused' in verified) throw new Error(`token refused: ${verified.refused}`);
  return verified.claims;
};

/** The `/continue` event with the page's "skipped" token: `claims` over the page's, `key` to forge. */
function skipped(claims: Record<string, unknown> = {}, key = KEY, user: DeepPartial<PostLoginEvent['user']> = { last_password_reset: SET }) {
  const { gate, logs } = setup();
  const event = buildPostLoginEvent({ stats: { logins_count: 9 }, user, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY } });
  const iat = Math.floor(Date.now() / 1000);
  event.request.query = { state: STATE };
  event.request.body = {
    session_token: signHs256({ sub: event.user.user_id, iss: event.request.hostname, iat, exp: iat + 60, state: STATE, purpose: 'afpr:password-change-skipped', ...claims }, key),
  };
  return { gate, event, api: createPostLoginApi({ event }), logs };
}

describe('a warning, with the change-password page', () => {
  it('sends an interactive login to the page with when the change is due, the password’s age and the session to keep', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const { gate, event, api, logs } = setup({ session: { id: 'sess_2hV7nQ4xL9' } });
    await gate(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
    expect(sessionOf(api)).toMatchObject({ purpose: 'afpr:change-password', reason: 'password-expires-soon', since: SET, due: DUE, sid: 'sess_2hV7nQ4xL9' });
    expect(logs).toEqual([expect.objectContaining({ decision: 'redirect', reason: 'password-expires-soon', page: 'sent', due: DUE })]);
  });

  it('leaves out a session id that is not one Auth0 could name (too long, or with spaces)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    for (const id of ['s'.repeat(65), 'a b']) {
      const { gate, event, api } = setup({ session: { id } });
      await gate(event, api);
      expect(sessionOf(api)).not.toHaveProperty('sid');
    }
  });

  it('in report mode, sends no one to the page', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const logs: LogEntry[] = [];
    const gate = createFirstLoginGate({ ...options, mode: 'report', changePasswordPage: { url: PAGE }, log: (entry) => void logs.push(entry) });
    const event = buildPostLoginEvent({ stats: { logins_count: 9 }, user: { last_password_reset: SET }, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY } });
    const api = createPostLoginApi({ event });
    await gate(event, api);
    expect(api.redirectedTo).toBeUndefined();
    expect(logs[0]).toMatchObject({ decision: 'allow', reason: 'password-expires-soon' });
  });
});

describe('onContinuePostLogin after "Not now"', () => {
  it('lets the login in while it is still a warning; nothing written, the line says when the change is due', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const { gate, event, api, logs } = skipped();
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ decision: 'allow', reason: 'page-not-now', due: DUE })]);
  });

  it('the next login in the window asks again: the choice is not remembered', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const first = skipped();
    await first.gate.onContinuePostLogin(first.event, first.api);
    const next = setup();
    await next.gate(next.event, next.api);
    expect(sessionOf(next.api)).toMatchObject({ due: DUE });
  });

  it('lets it in when the login needs nothing any more (the password changed meanwhile, in another tab): not denied for a choice that no longer matters', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const { gate, event, api, logs } = skipped({}, KEY, { last_password_reset: '2026-03-31T12:00:00.000Z' });
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ decision: 'allow', reason: 'page-not-now' })]);
    expect(logs[0]).not.toHaveProperty('due');
  });

  it('refuses it once the deadline has passed (a user who lingered on the page): denied, the line says since when', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(DUE) + 1 });
    const { gate, event, api, logs } = skipped();
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(logs).toEqual([expect.objectContaining({ decision: 'deny', reason: 'page-not-now-refused', since: DUE })]);
  });

  it('refuses it for a user who is not in a warning (flagged meanwhile): "Not now" is only for warnings', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const { gate, event, api, logs } = skipped({}, KEY, { last_password_reset: SET, app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-03-01T00:00:00.000Z' } });
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toHaveLength(1);
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'page-not-now-refused', since: '2026-03-01T00:00:00.000Z' });
  });

  it.each([
    ['forged (another key)', {}, 'x'.repeat(48)],
    ['expired', { exp: Math.floor(IN_WINDOW / 1000) - 1 }, KEY],
    ['about another user', { sub: 'auth0|someone-else' }, KEY],
    ['for another login (state)', { state: 'another-state' }, KEY],
    ['without a user', { sub: undefined }, KEY],
    ['of another purpose', { purpose: 'afpr:change-password' }, KEY],
  ])('denies a "skipped" token %s', async (_name, claims, key) => {
    vi.useFakeTimers({ toFake: ['Date'], now: IN_WINDOW });
    const { gate, event, api, logs } = skipped(claims, key);
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toHaveLength(1);
    expect(logs).toEqual([expect.objectContaining({ decision: 'deny', reason: 'page-token-invalid' })]);
  });
});
