import { describe, expect, it } from 'vitest';
import { decideFirstLogin, type GateDecision } from '../../../src/gate/decide-first-login.js';
import { resolveGateOptions } from '../../../src/gate/create-first-login-gate.js';
import { graceOffsetDays } from '../../../src/obligation/obligation.js';
import { toIsoInstant } from '../../../src/obligation/time.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import type { PostLoginEvent } from '../../../src/auth0/post-login.js';
import {
  buildPostLoginEvent,
  DATABASE_CONNECTION,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
  type DeepPartial,
} from '../../../src/testing/events.js';

const NOW_ISO = '2026-03-01T12:00:00.000Z';
const NOW = Date.parse(NOW_ISO);
/** The clock the decision reads. */
const now = () => NOW;
const CREATED = '2026-01-15T09:30:00.000Z';
const FLAGGED = '2026-02-01T10:00:00.000Z';
const BEFORE_FLAG = '2026-01-20T10:00:00.000Z';
const AFTER_FLAG = '2026-02-02T10:00:00.000Z';

const decide = (overrides: DeepPartial<PostLoginEvent>, options: FirstLoginGateOptions = {}): GateDecision =>
  decideFirstLogin(buildPostLoginEvent(overrides), resolveGateOptions({ log: false, ...options }), now);

const user = (fields: Record<string, unknown>, appMetadata: Record<string, unknown> = {}) =>
  ({ created_at: CREATED, ...fields, app_metadata: appMetadata }) as DeepPartial<PostLoginEvent['user']>;

describe('decideFirstLogin — the decision table', () => {
  describe('rule 3: the first login of a user who never chose a password', () => {
    it('flags with <flag>At = now and denies', () => {
      expect(decide({ stats: { logins_count: 1 } })).toEqual({
        outcome: 'deny',
        reason: 'first-login',
        writes: [
          ['needsPasswordReset', true],
          ['needsPasswordResetAt', '2026-03-01T12:00:00.000Z'],
        ],
        since: NOW_ISO,
      });
    });

    it('uses the configured flag name for both keys', () => {
      expect(decide({}, { flag: 'mustChangePassword' }).writes).toEqual([
        ['mustChangePassword', true],
        ['mustChangePasswordAt', NOW_ISO],
      ]);
    });

    it('treats a null flag like an absent one', () => {
      expect(decide({ user: user({}, { needsPasswordReset: null }) }).reason).toBe('first-login');
    });

    it('does not force a user who already set a password through "forgot password"', () => {
      expect(decide({ user: user({ last_password_reset: BEFORE_FLAG }) })).toEqual({
        outcome: 'allow',
        reason: 'password-set-before-first-login',
        writes: [],
      });
    });

    it('leaves later logins alone', () => {
      for (const logins_count of [2, 3, 150]) {
        expect(decide({ stats: { logins_count } })).toEqual({ outcome: 'allow', reason: 'not-flagged', writes: [] });
      }
    });

    it('flags nobody with flagOnFirstLogin: false', () => {
      expect(decide({ stats: { logins_count: 1 } }, { flagOnFirstLogin: false })).toEqual({
        outcome: 'allow',
        reason: 'not-flagged',
        writes: [],
      });
    });

    it('ignores a flag in user_metadata, which users can edit themselves', () => {
      const decision = decide({
        user: { ...user({}, { needsPasswordReset: false }), user_metadata: { needsPasswordReset: false } },
      });
      expect(decision.reason).toBe('obligation-met');
      expect(
        decide({ user: { user_metadata: { needsPasswordReset: false } }, stats: { logins_count: 1 } }).reason,
      ).toBe('first-login');
    });
  });

  describe('rule 1: a flag set to false', () => {
    it('allows, with no writes, whatever else holds', () => {
      for (const logins_count of [1, 5]) {
        expect(decide({ user: user({}, { needsPasswordReset: false }), stats: { logins_count } })).toEqual({
          outcome: 'allow',
          reason: 'obligation-met',
          writes: [],
        });
      }
    });
  });

  describe('rule 2: a flagged user', () => {
    it('is denied while the password has not changed since the flag was set', () => {
      expect(decide({ user: user({}, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED }), stats: { logins_count: 4 } })).toEqual({
        outcome: 'deny',
        reason: 'flagged',
        writes: [],
        since: FLAGGED,
      });
    });

    it('is denied when the last change came before the flag (an administrator re-flagged)', () => {
      const decision = decide({
        user: user({ last_password_reset: BEFORE_FLAG }, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED }),
      });
      expect(decision).toEqual({ outcome: 'deny', reason: 'flagged', writes: [], since: FLAGGED });
    });

    it('is let in, and the flag cleared, when the password changed after the flag (the gate heals itself)', () => {
      const decision = decide({
        user: user({ last_password_reset: AFTER_FLAG }, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED }),
        stats: { logins_count: 3 },
      });
      expect(decision).toEqual({ outcome: 'allow', reason: 'password-changed', writes: [['needsPasswordReset', false]] });
    });

    it('measures from created_at when <flag>At is absent (a flag set by hand at creation)', () => {
      expect(decide({ user: user({ last_password_reset: BEFORE_FLAG }, { needsPasswordReset: true }) }).reason).toBe(
        'password-changed',
      );
      expect(decide({ user: user({}, { needsPasswordReset: true }) }).reason).toBe('flagged');
      expect(decide({ user: user({ last_password_reset: CREATED }, { needsPasswordReset: true }) }).reason).toBe(
        'flagged',
      );
    });

    it('fails closed on malformed flag values: anything but false/null/absent counts as set', () => {
      for (const value of [true, 'true', 'false', 0, 1, {}, [], 'yes']) {
        expect(decide({ user: user({}, { needsPasswordReset: value }), stats: { logins_count: 9 } }).outcome, String(value)).toBe(
          'deny',
        );
      }
    });

    it('measures from created_at when <flag>At is not a time, as when it is absent (never a lockout)', () => {
      for (const flaggedAt of ['yesterday', 12345, true, '']) {
        const healed = decide({
          user: user({ last_password_reset: AFTER_FLAG }, { needsPasswordReset: true, needsPasswordResetAt: flaggedAt }),
        });
        expect(healed, String(flaggedAt)).toEqual({
          outcome: 'allow',
          reason: 'password-changed',
          writes: [['needsPasswordReset', false]],
          detail: 'needsPasswordResetAt is not a time; measured from created_at',
        });
        const stillFlagged = decide({ user: user({}, { needsPasswordReset: true, needsPasswordResetAt: flaggedAt }) });
        expect(stillFlagged, String(flaggedAt)).toEqual({
          outcome: 'deny',
          reason: 'flagged',
          writes: [],
          since: CREATED,
          detail: 'needsPasswordResetAt is not a time; measured from created_at',
        });
      }
    });

    it('compares times, not only canonical strings: offsets and missing milliseconds work', () => {
      const flagged = { needsPasswordReset: true, needsPasswordResetAt: '2026-02-01T10:00:00Z' };
      expect(decide({ user: user({ last_password_reset: '2026-02-01T11:00:00.000+01:00' }, flagged) }).reason).toBe('flagged');
      expect(decide({ user: user({ last_password_reset: '2026-02-01T10:00:00.001Z' }, flagged) }).reason).toBe('password-changed');
    });

    it('denies on every protocol, refresh-token and password grants included', () => {
      for (const protocol of ['oauth2-refresh-token', 'oauth2-password', 'oauth2-resource-owner', 'oidc-basic-profile', 'samlp']) {
        expect(
          decide({ user: user({}, { needsPasswordReset: true }), transaction: { protocol } }).outcome,
          protocol,
        ).toBe('deny');
      }
    });
  });

  describe('connections', () => {
    it('never gates social or enterprise users, even flagged, even listed', () => {
      for (const connection of [GOOGLE_CONNECTION, SAML_CONNECTION]) {
        for (const options of [{}, { connections: [connection.name] }]) {
          const decision = decide({ connection, user: user({}, { needsPasswordReset: true }) }, options);
          expect(decision).toEqual({ outcome: 'allow', reason: 'connection-not-gated', writes: [] });
        }
      }
    });

    it('gates only the listed database connections when `connections` is set', () => {
      const other = { ...DATABASE_CONNECTION, name: 'Legacy-Users', id: 'con_other' };
      expect(decide({ connection: other }, { connections: ['Username-Password-Authentication'] }).reason).toBe(
        'connection-not-gated',
      );
      expect(decide({ connection: other }, { connections: ['Legacy-Users'] }).reason).toBe('first-login');
      expect(decide({ connection: other }).reason).toBe('first-login');
    });
  });

  describe('malformed events fail closed', () => {
    const cases: Array<[string, unknown, string]> = [
      ['no event', undefined, 'event is not an object'],
      ['no connection', { user: {}, stats: { logins_count: 1 } }, 'event.connection is missing'],
      ['no strategy', { connection: { name: 'x' }, user: {}, stats: { logins_count: 1 } }, 'event.connection.strategy is missing'],
      ['no user', { connection: DATABASE_CONNECTION, stats: { logins_count: 1 } }, 'event.user is missing'],
      [
        'app_metadata is a string',
        { connection: DATABASE_CONNECTION, user: { app_metadata: 'x' }, stats: { logins_count: 1 } },
        'event.user.app_metadata is not an object',
      ],
      [
        'app_metadata is an array',
        { connection: DATABASE_CONNECTION, user: { app_metadata: [] }, stats: { logins_count: 1 } },
        'event.user.app_metadata is not an object',
      ],
      ['no stats', { connection: DATABASE_CONNECTION, user: { app_metadata: {} } }, 'event.stats.logins_count is not a positive integer'],
    ];
    it.each(cases)('%s → deny with a reason', (_name, event, detail) => {
      expect(decideFirstLogin(event, resolveGateOptions({ log: false }), now)).toEqual({
        outcome: 'deny',
        reason: 'malformed-event',
        writes: [],
        detail,
      });
    });

    // Issue 10, item 2: each of these was let through before.
    it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1.5, '1', null])(
      'logins_count %j → malformed-event, not a login the gate lets through',
      (loginsCount) => {
        expect(decide({ stats: { logins_count: loginsCount as number } })).toEqual({
          outcome: 'deny',
          reason: 'malformed-event',
          writes: [],
          detail: 'event.stats.logins_count is not a positive integer',
        });
      },
    );

    it.each(['x', ' ', '', 0, false, {}, '2026-13-01T00:00:00.000Z', '2026-02-30T10:00:00.000Z'])(
      'a first login whose last_password_reset is %j (present, not a time) → malformed-event',
      (changed) => {
        expect(decide({ user: user({ last_password_reset: changed }) })).toEqual({
          outcome: 'deny',
          reason: 'malformed-event',
          writes: [],
          detail: 'event.user.last_password_reset is not a time',
        });
      },
    );

    it('a flagged user whose last_password_reset is an impossible time is not let in (no text comparison)', () => {
      // '2026-13-01…' sorts after '2026-02-01…' as text: the old fast path healed this user.
      const decision = decide({ user: user({ last_password_reset: '2026-13-01T00:00:00.000Z' }, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED }) });
      expect(decision).toEqual({ outcome: 'deny', reason: 'malformed-event', writes: [], detail: 'event.user.last_password_reset is not a time' });
    });

    it('an impossible <flag>At is not a time: measured from created_at, as the table says', () => {
      const decision = decide({
        user: user({ last_password_reset: BEFORE_FLAG }, { needsPasswordReset: true, needsPasswordResetAt: '2026-13-01T00:00:00.000Z' }),
      });
      expect(decision).toEqual({
        outcome: 'allow',
        reason: 'password-changed',
        writes: [['needsPasswordReset', false]],
        detail: 'needsPasswordResetAt is not a time; measured from created_at',
      });
    });

    it('with `connections` set, a database login whose connection has no name → malformed-event', () => {
      for (const name of [undefined, 42, null]) {
        const event = buildPostLoginEvent({ stats: { logins_count: 2 } });
        (event.connection as unknown as Record<string, unknown>)['name'] = name;
        expect(decideFirstLogin(event, resolveGateOptions({ log: false, connections: ['Username-Password-Authentication'] }), now)).toEqual({
          outcome: 'deny',
          reason: 'malformed-event',
          writes: [],
          detail: 'event.connection.name is missing',
        });
      }
    });

    it('a user whose created_at is not a time, flagged without <flag>At → malformed-event', () => {
      expect(decide({ user: user({ created_at: 'yesterday' }, { needsPasswordReset: true }) })).toEqual({
        outcome: 'deny',
        reason: 'malformed-event',
        writes: [],
        detail: 'event.user.created_at is not a time',
      });
    });

    it('treats a missing app_metadata as empty, as Auth0 omits it for some users', () => {
      const event = buildPostLoginEvent({ user: { app_metadata: undefined } });
      expect(decideFirstLogin(event, resolveGateOptions({ log: false }), now).reason).toBe('first-login');
    });
  });

  // Issue 10, item 1: the flag is read from the record's own properties only.
  describe('a polluted prototype never counts as a flag, nor as false', () => {
    it('an inherited flag is not a flag: a returning user is let in', () => {
      const appMetadata = Object.create({ needsPasswordReset: true, needsPasswordResetAt: FLAGGED }) as Record<string, unknown>;
      const event = buildPostLoginEvent({ stats: { logins_count: 5 } });
      event.user.app_metadata = appMetadata as PostLoginEvent['user']['app_metadata'];
      expect(decideFirstLogin(event, resolveGateOptions({ log: false }), now)).toEqual({ outcome: 'allow', reason: 'not-flagged', writes: [] });
    });

    it('an inherited false is not "obligation met": a first login is still flagged', () => {
      const event = buildPostLoginEvent({ stats: { logins_count: 1 } });
      event.user.app_metadata = Object.create({ needsPasswordReset: false }) as PostLoginEvent['user']['app_metadata'];
      expect(decideFirstLogin(event, resolveGateOptions({ log: false }), now).reason).toBe('first-login');
    });

    it('a key added to Object.prototype itself changes nothing', () => {
      const options = resolveGateOptions({ log: false });
      const event = buildPostLoginEvent({ stats: { logins_count: 5 } });
      const prototype = Object.prototype as Record<string, unknown>;
      prototype['needsPasswordReset'] = true;
      try {
        expect(decideFirstLogin(event, options, now)).toEqual({ outcome: 'allow', reason: 'not-flagged', writes: [] });
      } finally {
        delete prototype['needsPasswordReset'];
      }
    });
  });

  describe('invariants over every combination', () => {
    // The tenant-wide rules: a cut-off between BEFORE_FLAG and AFTER_FLAG, and an age limit that
    // CREATED and BEFORE_FLAG exceed at NOW but AFTER_FLAG does not.
    const CUT_OFF = '2026-01-25T00:00:00.000Z';
    const MAX_AGE_DAYS = 30;
    // With warnings: AFTER_FLAG is in the age limit's last 20 days at NOW, and the default user's day
    // in a 60-day spread (48: fnv1a32 of the id mod 61) is still to come 35 days after CUT_OFF.
    const ruleSets: FirstLoginGateOptions[] = [
      {},
      { passwordsSetBefore: CUT_OFF },
      { maxPasswordAgeDays: MAX_AGE_DAYS },
      { passwordsSetBefore: CUT_OFF, maxPasswordAgeDays: MAX_AGE_DAYS },
      { maxPasswordAgeDays: { days: MAX_AGE_DAYS, warnDays: 20 } },
      { passwordsSetBefore: { at: CUT_OFF, graceDays: 60 } },
      { passwordsSetBefore: { at: CUT_OFF, graceDays: 60 }, maxPasswordAgeDays: { days: MAX_AGE_DAYS, warnDays: 20 } },
    ];
    const cutOffOf = (options: FirstLoginGateOptions) =>
      typeof options.passwordsSetBefore === 'object' ? options.passwordsSetBefore.at : options.passwordsSetBefore;
    const maxAgeDaysOf = (options: FirstLoginGateOptions) =>
      typeof options.maxPasswordAgeDays === 'object' ? options.maxPasswordAgeDays.days : options.maxPasswordAgeDays;
    const flagValues = [undefined, null, false, true, 'malformed'];
    const flaggedAts = [undefined, BEFORE_FLAG, FLAGGED, 'garbage'];
    const changes = [undefined, BEFORE_FLAG, AFTER_FLAG];
    const loginCounts = [1, 2];
    const connections = [DATABASE_CONNECTION, GOOGLE_CONNECTION, SAML_CONNECTION];
    const combos: Array<{ event: PostLoginEvent; options: FirstLoginGateOptions }> = [];
    for (const value of flagValues)
      for (const flaggedAt of flaggedAts)
        for (const changed of changes)
          for (const logins_count of loginCounts)
            for (const connection of connections)
              for (const flagOnFirstLogin of [true, false])
                for (const rules of ruleSets) {
                  const appMetadata: Record<string, unknown> = { other: 'kept' };
                  if (value !== undefined) appMetadata['needsPasswordReset'] = value;
                  if (flaggedAt !== undefined) appMetadata['needsPasswordResetAt'] = flaggedAt;
                  combos.push({
                    event: buildPostLoginEvent({
                      connection,
                      user: user(changed === undefined ? {} : { last_password_reset: changed }, appMetadata),
                      stats: { logins_count },
                    }),
                    options: { log: false, flagOnFirstLogin, ...rules },
                  });
                }
    const decisionOf = ({ event, options }: (typeof combos)[number]) => decideFirstLogin(event, resolveGateOptions(options), now);
    /** When the password was last set, as the rules read it. */
    const setAtOf = (event: PostLoginEvent) => Date.parse(event.user.last_password_reset ?? event.user.created_at);
    /** Whether a rule of these options stops a password set at `setAt` (a spread only delays the cut-off: counted as stopping). */
    const ruleStops = (options: FirstLoginGateOptions, setAt: number) => {
      const cutOff = cutOffOf(options);
      const maxAgeDays = maxAgeDaysOf(options);
      return (cutOff !== undefined && setAt < Date.parse(cutOff)) || (maxAgeDays !== undefined && NOW - setAt > maxAgeDays * 86_400_000);
    };

    it(`reaches every reason a login can have over the ${combos.length} combinations`, () => {
      const reasons = new Set(combos.map((combo) => decisionOf(combo).reason));
      expect([...reasons].sort()).toEqual([
        'connection-not-gated',
        'first-login',
        'flagged',
        'not-flagged',
        'obligation-met',
        'password-changed',
        'password-expires-soon',
        'password-set-before-first-login',
        'password-too-old',
        'passwords-set-before',
        'passwords-set-before-grace',
      ]);
    });

    it('never gates a user without an Auth0 password, whatever the rules', () => {
      for (const combo of combos.filter((c) => c.event.connection.strategy !== 'auth0')) {
        expect(decisionOf(combo)).toEqual({ outcome: 'allow', reason: 'connection-not-gated', writes: [] });
      }
    });

    it('never denies a user whose password changed after every obligation began (flag, cut-off, age)', () => {
      let checked = 0;
      for (const combo of combos) {
        const { event, options } = combo;
        const flaggedAt = event.user.app_metadata['needsPasswordResetAt'] as string | undefined;
        const since = Date.parse(flaggedAt ?? event.user.created_at);
        const changed = Date.parse(event.user.last_password_reset ?? '');
        if (event.connection.strategy !== 'auth0' || Number.isNaN(since) || !(changed > since) || ruleStops(options, changed)) continue;
        checked += 1;
        expect(decisionOf(combo).outcome).not.toBe('deny');
      }
      expect(checked).toBeGreaterThan(50);
    });

    it('lets in every user who changed the password after the cut-off, unless the flag or the age limit stops them', () => {
      let checked = 0;
      for (const combo of combos) {
        const { event, options } = combo;
        const cutOff = cutOffOf(options);
        if (cutOff === undefined || event.connection.strategy !== 'auth0') continue;
        const changed = Date.parse(event.user.last_password_reset ?? '');
        if (!(changed > Date.parse(cutOff))) continue;
        checked += 1;
        expect(decisionOf(combo).reason).not.toBe('passwords-set-before');
      }
      expect(checked).toBeGreaterThan(50);
    });

    it('writes only the flag and <flag>At, and only true/false/now', () => {
      for (const combo of combos) {
        for (const [key, value] of decisionOf(combo).writes) {
          expect(['needsPasswordReset', 'needsPasswordResetAt']).toContain(key);
          expect([true, false, NOW_ISO]).toContain(value);
        }
      }
    });

    it('denies only flagged users, first logins, and users a rule stops', () => {
      for (const combo of combos) {
        const { event, options } = combo;
        const decision = decisionOf(combo);
        if (decision.outcome !== 'deny') continue;
        const value = event.user.app_metadata['needsPasswordReset'];
        const flagged = value !== undefined && value !== null && value !== false;
        const firstLogin = options.flagOnFirstLogin === true && event.stats.logins_count === 1 && !event.user.last_password_reset;
        expect(flagged || firstLogin || ruleStops(options, setAtOf(event))).toBe(true);
      }
    });

    it('reads the clock at most once, and only for a first login it flags or a rule', () => {
      for (const combo of combos) {
        let reads = 0;
        const decision = decideFirstLogin(combo.event, resolveGateOptions(combo.options), () => {
          reads += 1;
          return NOW;
        });
        const rules = combo.options.passwordsSetBefore !== undefined || combo.options.maxPasswordAgeDays !== undefined;
        expect(reads).toBeLessThanOrEqual(1);
        if (reads === 1) expect(decision.reason === 'first-login' || rules).toBe(true);
      }
    });

    it('warns only under a rule with warnDays or graceDays, never denies then, and writes nothing but a healed flag', () => {
      let warnings = 0;
      for (const combo of combos) {
        const decision = decisionOf(combo);
        if (decision.outcome !== 'warn') continue;
        warnings += 1;
        const { passwordsSetBefore, maxPasswordAgeDays } = combo.options;
        expect(typeof passwordsSetBefore === 'object' || typeof maxPasswordAgeDays === 'object').toBe(true);
        expect(decision.writes.every(([key, value]) => key === 'needsPasswordReset' && value === false)).toBe(true);
        expect(decision.since).toBeUndefined();
        // The obligation is still to come (the age limit's last instant is still a warning).
        expect(Date.parse(decision.due as string)).toBeGreaterThanOrEqual(NOW);
      }
      expect(warnings).toBeGreaterThan(50);
    });

    it('gives every deny because of an obligation the instant it began', () => {
      for (const combo of combos) {
        const decision = decisionOf(combo);
        if (['first-login', 'flagged', 'passwords-set-before', 'password-too-old'].includes(decision.reason)) {
          expect(toIsoInstant(decision.since)).toBe(decision.since);
        }
      }
    });
  });

  describe('tenant-wide rules', () => {
    const CUT_OFF = '2026-02-15T00:00:00.000Z';
    it('stops a password set before the cut-off, with the cut-off as the obligation’s start, and writes nothing', () => {
      expect(decide({ stats: { logins_count: 5 }, user: user({ last_password_reset: BEFORE_FLAG }) }, { passwordsSetBefore: CUT_OFF })).toEqual({
        outcome: 'deny',
        reason: 'passwords-set-before',
        writes: [],
        since: CUT_OFF,
      });
    });

    it('measures a password never changed from created_at', () => {
      expect(decide({ stats: { logins_count: 5 } }, { passwordsSetBefore: CUT_OFF }).reason).toBe('passwords-set-before');
    });

    it('lets in a password set after the cut-off, and a user whose waived flag (false) does not exempt from it', () => {
      expect(decide({ stats: { logins_count: 5 }, user: user({ last_password_reset: '2026-02-16T00:00:00.000Z' }) }, { passwordsSetBefore: CUT_OFF }).reason).toBe('not-flagged');
      expect(decide({ stats: { logins_count: 5 }, user: user({}, { needsPasswordReset: false }) }, { passwordsSetBefore: CUT_OFF }).reason).toBe('passwords-set-before');
    });

    it('is not in force before its instant comes', () => {
      expect(decide({ stats: { logins_count: 5 } }, { passwordsSetBefore: '2026-06-01T00:00:00.000Z' }).reason).toBe('not-flagged');
    });

    it('stops a password older than maxPasswordAgeDays, from the day it became too old', () => {
      // Created 2026-01-15, never changed; NOW is 2026-03-01: 45 days.
      expect(decide({ stats: { logins_count: 5 } }, { maxPasswordAgeDays: 30 })).toEqual({
        outcome: 'deny',
        reason: 'password-too-old',
        writes: [],
        since: new Date(Date.parse(CREATED) + 30 * 86_400_000).toISOString(),
      });
      expect(decide({ stats: { logins_count: 5 } }, { maxPasswordAgeDays: 60 }).reason).toBe('not-flagged');
    });

    it('clears a healed flag even when a rule still stops the login', () => {
      const decision = decide(
        { stats: { logins_count: 5 }, user: user({ last_password_reset: AFTER_FLAG }, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED }) },
        { passwordsSetBefore: CUT_OFF },
      );
      expect(decision).toEqual({ outcome: 'deny', reason: 'passwords-set-before', writes: [['needsPasswordReset', false]], since: CUT_OFF });
    });

    it('lets the first-login rule speak first: it flags, and the rules are met by the same change', () => {
      expect(decide({ stats: { logins_count: 1 } }, { passwordsSetBefore: CUT_OFF }).reason).toBe('first-login');
    });

    it('fails closed when the time it needs is not a time', () => {
      expect(decide({ stats: { logins_count: 5 }, user: user({ created_at: 'long ago' }) }, { maxPasswordAgeDays: 30 })).toMatchObject({
        outcome: 'deny',
        reason: 'malformed-event',
        detail: 'event.user.created_at is not a time',
      });
    });

    it.each([
      [{ passwordsSetBefore: '2026-13-01T00:00:00Z' }, '"options.passwordsSetBefore" must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z" (got "2026-13-01T00:00:00Z")'],
      [{ passwordsSetBefore: 1_764_460_800_000 }, '"options.passwordsSetBefore" must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z" (got 1764460800000)'],
      [{ maxPasswordAgeDays: 0 }, '"options.maxPasswordAgeDays" must be an integer from 1 to 3650 (days) (got 0)'],
      [{ maxPasswordAgeDays: 90.5 }, '"options.maxPasswordAgeDays" must be an integer from 1 to 3650 (days) (got 90.5)'],
    ])('rejects %j with an exact message', (options, expected) => {
      expect(() => resolveGateOptions(options as FirstLoginGateOptions)).toThrow(`[auth0-force-password-reset] createFirstLoginGate: ${expected}`);
    });
  });

  // Issue 23, item 2: warn before, then enforce — at the boundaries, with no write.
  describe('warnings before the tenant-wide rules stop a login', () => {
    const DAY = 86_400_000;
    const at = (ms: number) => () => ms;
    const iso = (ms: number) => new Date(ms).toISOString();
    const decideAt = (ms: number, fields: Record<string, unknown>, options: FirstLoginGateOptions) =>
      decideFirstLogin(buildPostLoginEvent({ stats: { logins_count: 5 }, user: user(fields) }), resolveGateOptions({ log: false, ...options }), at(ms));

    describe('maxPasswordAgeDays: { days: 90, warnDays: 14 }', () => {
      const SET = Date.parse('2026-01-10T08:00:00.000Z');
      const DUE = SET + 90 * DAY;
      const options: FirstLoginGateOptions = { maxPasswordAgeDays: { days: 90, warnDays: 14 } };
      const decideWhen = (ms: number) => decideAt(ms, { last_password_reset: iso(SET) }, options);

      it.each([
        ['the moment before the first warning day', DUE - 14 * DAY - 1, { outcome: 'allow', reason: 'not-flagged', writes: [] }],
        ['the first warning day begins', DUE - 14 * DAY, { outcome: 'warn', reason: 'password-expires-soon', writes: [], due: iso(DUE) }],
        ['the last warning day, its last millisecond', DUE, { outcome: 'warn', reason: 'password-expires-soon', writes: [], due: iso(DUE) }],
        ['a millisecond later: too old', DUE + 1, { outcome: 'deny', reason: 'password-too-old', writes: [], since: iso(DUE) }],
      ])('%s → %o', (_name, ms, expected) => {
        expect(decideWhen(ms)).toEqual(expected);
      });

      it('without warnDays, the same instants are let in until the password is too old', () => {
        expect(decideAt(DUE - DAY, { last_password_reset: iso(SET) }, { maxPasswordAgeDays: 90 }).reason).toBe('not-flagged');
        expect(decideAt(DUE - DAY, { last_password_reset: iso(SET) }, { maxPasswordAgeDays: { days: 90 } }).reason).toBe('not-flagged');
        expect(decideAt(DUE + 1, { last_password_reset: iso(SET) }, { maxPasswordAgeDays: { days: 90 } }).reason).toBe('password-too-old');
      });

      it('a healed flag is still cleared when the login is warned', () => {
        const decision = decideAt(DUE - DAY, { last_password_reset: iso(SET) }, options);
        expect(decision.outcome).toBe('warn');
        const healed = decideFirstLogin(
          buildPostLoginEvent({ stats: { logins_count: 5 }, user: user({ last_password_reset: iso(SET) }, { needsPasswordReset: true, needsPasswordResetAt: iso(SET - DAY) }) }),
          resolveGateOptions({ log: false, ...options }),
          at(DUE - DAY),
        );
        expect(healed).toEqual({ outcome: 'warn', reason: 'password-expires-soon', writes: [['needsPasswordReset', false]], due: iso(DUE) });
      });

      it('a flagged user is denied, not warned: the flag speaks first', () => {
        const decision = decideFirstLogin(
          buildPostLoginEvent({ stats: { logins_count: 5 }, user: user({ last_password_reset: iso(SET) }, { needsPasswordReset: true, needsPasswordResetAt: iso(SET + DAY) }) }),
          resolveGateOptions({ log: false, ...options }),
          at(DUE - DAY),
        );
        expect(decision).toMatchObject({ outcome: 'deny', reason: 'flagged' });
      });
    });

    describe('passwordsSetBefore: { at, graceDays: 7 }', () => {
      const CUT_OFF = '2026-11-30T00:00:00.000Z';
      const CUT_OFF_MS = Date.parse(CUT_OFF);
      const options: FirstLoginGateOptions = { passwordsSetBefore: { at: CUT_OFF, graceDays: 7 } };
      /** A user id whose place in the 7-day spread is `offset` (found among made-up ids). */
      const userAt = (offset: number) => {
        for (let n = 0; n < 1000; n += 1) {
          const id = `auth0|spread-${n}`;
          if (graceOffsetDays(id, 7) === offset) return id;
        }
        throw new Error(`no id at offset ${offset}`);
      };
      const SET = '2026-06-01T00:00:00.000Z';
      const decideFor = (userId: string, ms: number) => decideAt(ms, { user_id: userId, last_password_reset: SET }, options);

      it.each([
        ['offset 0, the moment before the cut-off', 0, CUT_OFF_MS - 1, { outcome: 'allow', reason: 'not-flagged', writes: [] }],
        ['offset 0, the cut-off: the first day of the spread is still "today"', 0, CUT_OFF_MS, { outcome: 'deny', reason: 'passwords-set-before', writes: [], since: CUT_OFF }],
        ['offset 7, the moment before the cut-off', 7, CUT_OFF_MS - 1, { outcome: 'allow', reason: 'not-flagged', writes: [] }],
        ['offset 7, the cut-off', 7, CUT_OFF_MS, { outcome: 'warn', reason: 'passwords-set-before-grace', writes: [], due: iso(CUT_OFF_MS + 7 * DAY) }],
        ['offset 7, the last moment of its grace', 7, CUT_OFF_MS + 7 * DAY - 1, { outcome: 'warn', reason: 'passwords-set-before-grace', writes: [], due: iso(CUT_OFF_MS + 7 * DAY) }],
        ['offset 7, its day', 7, CUT_OFF_MS + 7 * DAY, { outcome: 'deny', reason: 'passwords-set-before', writes: [], since: CUT_OFF }],
      ])('%s → %o', (_name, offset, ms, expected) => {
        expect(decideFor(userAt(offset), ms)).toEqual(expected);
      });

      it('a password set after the cut-off is neither warned nor stopped, at any offset', () => {
        for (const offset of [0, 3, 7]) {
          const decision = decideAt(CUT_OFF_MS + DAY, { user_id: userAt(offset), last_password_reset: iso(CUT_OFF_MS + 1) }, options);
          expect(decision).toEqual({ outcome: 'allow', reason: 'not-flagged', writes: [] });
        }
      });

      it('places a user without a string id at offset 0: the earliest deadline', () => {
        const event = buildPostLoginEvent({ stats: { logins_count: 5 }, user: user({ last_password_reset: SET }) });
        (event.user as unknown as Record<string, unknown>)['user_id'] = 42;
        expect(decideFirstLogin(event, resolveGateOptions({ log: false, ...options }), at(CUT_OFF_MS)).reason).toBe('passwords-set-before');
      });

      it('the age limit still stops a user in the grace period', () => {
        const decision = decideAt(CUT_OFF_MS, { user_id: userAt(7), last_password_reset: SET }, { ...options, maxPasswordAgeDays: 30 });
        expect(decision).toMatchObject({ outcome: 'deny', reason: 'password-too-old' });
      });
    });

    it.each([
      [{ maxPasswordAgeDays: { days: 90, warnDays: 90 } }, '"options.maxPasswordAgeDays.warnDays" must be fewer than "options.maxPasswordAgeDays.days", 90 (got 90)'],
      [{ maxPasswordAgeDays: { days: 30, warnDays: 366 } }, '"options.maxPasswordAgeDays.warnDays" must be an integer from 1 to 365 (days) (got 366); "options.maxPasswordAgeDays.warnDays" must be fewer than "options.maxPasswordAgeDays.days", 30 (got 366)'],
      [{ maxPasswordAgeDays: { days: 90, warnDays: 0 } }, '"options.maxPasswordAgeDays.warnDays" must be an integer from 1 to 365 (days) (got 0)'],
      [{ maxPasswordAgeDays: { warnDays: 14 } }, '"options.maxPasswordAgeDays.days" is required: the maximum age, an integer from 1 to 3650 (days)'],
      [{ maxPasswordAgeDays: { days: 90, warn: 14 } }, '"options.maxPasswordAgeDays.warn" is not a known option (known: days, warnDays)'],
      [{ maxPasswordAgeDays: '90' }, '"options.maxPasswordAgeDays" must be an integer from 1 to 3650 (days) (got "90")'],
      [{ passwordsSetBefore: { graceDays: 7 } }, '"options.passwordsSetBefore.at" is required: the cut-off, an ISO 8601 date-time such as "2026-11-30T00:00:00Z"'],
      [{ passwordsSetBefore: { at: 'soon' } }, '"options.passwordsSetBefore.at" must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z" (got "soon")'],
      [{ passwordsSetBefore: { at: '2026-11-30T00:00:00Z', graceDays: 0 } }, '"options.passwordsSetBefore.graceDays" must be an integer from 1 to 90 (days) (got 0)'],
      [{ passwordsSetBefore: { at: '2026-11-30T00:00:00Z', graceDays: 91 } }, '"options.passwordsSetBefore.graceDays" must be an integer from 1 to 90 (days) (got 91)'],
      [{ passwordsSetBefore: { at: '2026-11-30T00:00:00Z', spreadDays: 7 } }, '"options.passwordsSetBefore.spreadDays" is not a known option (known: at, graceDays)'],
    ])('rejects %j with an exact message', (options, expected) => {
      expect(() => resolveGateOptions(options as FirstLoginGateOptions)).toThrow(`[auth0-force-password-reset] createFirstLoginGate: ${expected}`);
    });
  });

  // Issue 23, item 4: the tenant's choice.
  describe('exempt: { passkeyLogins: true }', () => {
    const passkey = { methods: [{ name: 'passkey', timestamp: NOW_ISO }] };
    const exempt: FirstLoginGateOptions = { exempt: { passkeyLogins: true } };
    const flagged = user({}, { needsPasswordReset: true, needsPasswordResetAt: FLAGGED });

    it('lets a passkey login through without a change: a flagged user, a first login, a rule — nothing written', () => {
      const allowed = { outcome: 'allow', reason: 'passkey-login', writes: [] };
      expect(decide({ authentication: passkey, user: flagged, stats: { logins_count: 4 } }, exempt)).toEqual(allowed);
      expect(decide({ authentication: passkey, stats: { logins_count: 1 } }, exempt)).toEqual(allowed);
      expect(decide({ authentication: passkey, stats: { logins_count: 4 } }, { ...exempt, passwordsSetBefore: '2026-02-15T00:00:00.000Z' })).toEqual(allowed);
    });

    it('is off by default: the same passkey logins are stopped', () => {
      expect(decide({ authentication: passkey, user: flagged, stats: { logins_count: 4 } }).reason).toBe('flagged');
      expect(decide({ authentication: passkey, stats: { logins_count: 1 } }).reason).toBe('first-login');
      expect(decide({ authentication: passkey, user: flagged }, { exempt: { passkeyLogins: false } }).reason).toBe('flagged');
      expect(decide({ authentication: passkey, user: flagged }, { exempt: {} }).reason).toBe('flagged');
    });

    it.each([
      ['a password', [{ name: 'pwd', timestamp: NOW_ISO }]],
      ['a password, then WebAuthn as a second factor (listed as mfa)', [{ name: 'pwd', timestamp: NOW_ISO }, { name: 'mfa', timestamp: NOW_ISO }]],
      ['a password earlier in the session, then a passkey', [{ name: 'pwd', timestamp: FLAGGED }, { name: 'passkey', timestamp: NOW_ISO }]],
      ['no methods', []],
      ['a method without a name', [{ timestamp: NOW_ISO }]],
    ])('does not exempt a session with %s', (_name, methods) => {
      expect(decide({ authentication: { methods }, user: flagged, stats: { logins_count: 4 } } as DeepPartial<PostLoginEvent>, exempt).reason).toBe('flagged');
    });

    it('does not exempt when event.authentication is missing or malformed: decided as any login', () => {
      for (const authentication of [undefined, null, 'passkey', { methods: 'passkey' }, { methods: [null, 'passkey'] }]) {
        const event = buildPostLoginEvent({ user: flagged, stats: { logins_count: 4 } });
        (event as unknown as Record<string, unknown>)['authentication'] = authentication;
        expect(decideFirstLogin(event, resolveGateOptions({ log: false, ...exempt }), now).reason, JSON.stringify(authentication)).toBe('flagged');
      }
    });

    it('never reaches social users: they were never gated', () => {
      expect(decide({ authentication: passkey, connection: GOOGLE_CONNECTION }, exempt).reason).toBe('connection-not-gated');
    });

    it.each([
      [{ exempt: true }, '"options.exempt" must be { passkeyLogins? } (got true)'],
      [{ exempt: { passkeyLogins: 'yes' } }, '"options.exempt.passkeyLogins" must be true or false (got "yes")'],
      [{ exempt: { passkeys: true } }, '"options.exempt.passkeys" is not a known option (known: passkeyLogins)'],
    ])('rejects %j with an exact message', (options, expected) => {
      expect(() => resolveGateOptions(options as FirstLoginGateOptions)).toThrow(`[auth0-force-password-reset] createFirstLoginGate: ${expected}`);
    });
  });
});
