import dns from 'node:dns';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PostChangePasswordEvent } from '../../../src/auth0/post-change-password.js';
import type { PostLoginEvent } from '../../../src/auth0/post-login.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LogEntry } from '../../../src/internal/log.js';
import {
  buildPostChangePasswordEvent,
  buildPostLoginEvent,
  DATABASE_CONNECTION,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
  type DeepPartial,
} from '../../../src/testing/events.js';
import { createPostChangePasswordApi, createPostLoginApi } from '../../../src/testing/recording-api.js';

// The README promises that a test written with the toolkit can never reach a real tenant. Here every
// builder and recording api, with every option of the gate and the clearer switched on (but `fetch`,
// which is how a test opts in), runs with the network watched: the global fetch, DNS and sockets.

interface NetworkWatch {
  readonly attempts: () => string[];
}

function watchTheNetwork(): NetworkWatch {
  const attempts: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    attempts.push(`fetch ${String(input instanceof Request ? input.url : input)}`);
    throw new TypeError('the network was reached');
  });
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function refuse(this: net.Socket, ...args: unknown[]) {
    attempts.push(`connect ${JSON.stringify(args[0])}`);
    throw new Error('a socket was opened');
  });
  vi.spyOn(dns, 'lookup').mockImplementation(((hostname: string) => {
    attempts.push(`lookup ${hostname}`);
    throw new Error('a host name was looked up');
  }) as never);
  vi.spyOn(dns.promises, 'lookup').mockImplementation(async (hostname: string) => {
    attempts.push(`lookup ${hostname}`);
    throw new Error('a host name was looked up');
  });
  return { attempts: () => [...attempts] };
}

let network: NetworkWatch;
beforeEach(() => {
  network = watchTheNetwork();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the network watch itself', () => {
  it('notices a request, a lookup and a socket (so that its silence below means something)', async () => {
    await fetch('https://acme.eu.auth0.com/').catch(() => {});
    await dns.promises.lookup('acme.eu.auth0.com').catch(() => {});
    expect(() => new net.Socket().connect(443, '203.0.113.10')).toThrow('a socket was opened');
    expect(network.attempts()).toEqual(['fetch https://acme.eu.auth0.com/', 'lookup acme.eu.auth0.com', 'connect 443']);
  });
});

// Real-looking Auth0 names in the secrets: only the transport, not a name that cannot resolve, may stop them.
const SECRETS = { AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTH0_CLIENT_ID: 'Xq3bN8kF2mP9sT4vW7yZ1aC5dE6gH0jK', AUTH0_CLIENT_SECRET: 'a-client-secret' };

const loginEvents: Array<[string, DeepPartial<PostLoginEvent>]> = [
  ['a first login', {}],
  ['a flagged returning user', { stats: { logins_count: 4 }, user: { app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-01-20T00:00:00.000Z' } } }],
  ['a French first login on a real-looking hostname', { transaction: { locale: 'fr' }, request: { hostname: 'acme.eu.auth0.com' } }],
  ['a refresh-token exchange', { transaction: { protocol: 'oauth2-refresh-token' } }],
  ['a Google user', { connection: GOOGLE_CONNECTION }],
  ['a SAML user', { connection: SAML_CONNECTION }],
];

describe('post-login: every gate option on, with createPostLoginApi()', () => {
  for (const mode of ['enforce', 'report'] as const) {
    for (const [label, overrides] of loginEvents) {
      it(`${mode} mode, ${label}: no request leaves the machine`, async () => {
        const logs: LogEntry[] = [];
        const gate = createFirstLoginGate({
          flag: 'needsPasswordReset',
          message: { default: 'Please reset your password!', fr: 'Veuillez changer votre mot de passe.' },
          emailSentMessage: { default: 'We emailed you a link.', fr: 'Nous vous avons envoyé un lien.' },
          flagOnFirstLogin: true,
          connections: [DATABASE_CONNECTION.name],
          mode,
          log: (entry) => logs.push(entry),
          sendResetEmail: { cooldownMinutes: 5, timeoutMs: 1_000 },
        });
        const event = buildPostLoginEvent(overrides);
        const api = createPostLoginApi({ event });

        await gate(event, api);

        expect(network.attempts()).toEqual([]);
        // Where the gate did try to email, the api's transport is what refused it.
        if (logs.some((entry) => entry.email === 'failed')) {
          expect(api.blockedRequests).toEqual([{ method: 'POST', url: `https://${event.request.hostname}/dbconnections/change_password` }]);
        }
      });
    }
  }

  it('the gate’s reset email does reach the api’s transport (so the silence above is the transport’s doing)', async () => {
    const gate = createFirstLoginGate({ log: false, sendResetEmail: true });
    const api = createPostLoginApi();
    await gate(buildPostLoginEvent(), api);
    expect(api.blockedRequests).toEqual([{ method: 'POST', url: 'https://acme.auth0.test/dbconnections/change_password' }]);
    expect(network.attempts()).toEqual([]);
  });
});

const passwordChangeEvents: Array<[string, DeepPartial<PostChangePasswordEvent>]> = [
  ['a database user', { secrets: SECRETS }],
  ['secrets under other names', { secrets: { MGMT_DOMAIN: SECRETS.AUTH0_DOMAIN, MGMT_ID: SECRETS.AUTH0_CLIENT_ID, MGMT_SECRET: SECRETS.AUTH0_CLIENT_SECRET } }],
  ['a Google user', { connection: GOOGLE_CONNECTION, secrets: SECRETS }],
  ['no secrets', {}],
];

describe('post-change-password: every clearer option on, with createPostChangePasswordApi()', () => {
  for (const [label, overrides] of passwordChangeEvents) {
    it(`${label}: no request leaves the machine`, async () => {
      const clearer = createPasswordResetClearer({
        flag: 'needsPasswordReset',
        secrets: label === 'secrets under other names' ? { domain: 'MGMT_DOMAIN', clientId: 'MGMT_ID', clientSecret: 'MGMT_SECRET' } : {},
        log: false,
        requestTimeoutMs: 1_000,
        // The longest allowed: the deadline counts from the call, loading the auth0 SDK included, which a
        // busy machine can make take seconds; the refused request is final, so nothing waits for it.
        deadlineMs: 18_000,
        maxAttempts: 2,
      });
      const api = createPostChangePasswordApi();

      await clearer(buildPostChangePasswordEvent(overrides), api).catch(() => {});

      expect(network.attempts()).toEqual([]);
      if (label !== 'a Google user' && label !== 'no secrets') {
        expect(api.blockedRequests[0]).toEqual({ method: 'POST', url: 'https://acme.eu.auth0.com/oauth/token' });
      }
    });
  }
});
