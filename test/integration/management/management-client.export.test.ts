import { gunzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { parseTenantDomain, type TenantDomain } from '../../../src/management/domain.js';
import { openManagementClient, type ManagementClientOptions } from '../../../src/management/management-client.js';
import type { RetryWait } from '../../../src/management/resilient-fetch.js';
import { createMemoryTokenStore } from '../../../src/management/token-store.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as test } from '../../helpers/local-tenant.js';
import { rejectionOf } from '../../helpers/management-api-error.js';
import { closedPort, networkFailure } from '../../helpers/network.js';

/** The one Management API client: users exports, their download, waits it announces, hosts it cannot reach. */

const domainOf = (text: string) => parseTenantDomain(text) as TenantDomain;

function clientOf(tenant: LocalTenant, options: Partial<ManagementClientOptions> = {}) {
  return openManagementClient({
    caller: 'test',
    domain: domainOf(tenant.domain),
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    transport: tenant.fetch,
    tokens: createMemoryTokenStore(),
    requestTimeoutMs: 2_000,
    maxAttempts: 3,
    clock: { sleep: async () => {} },
    ...options,
  });
}

/** A transport that records every request it sends: URL, method, headers and redirect mode. */
function recording(through: typeof globalThis.fetch) {
  const sent: { url: string; headers: Headers; redirect: RequestRedirect | undefined }[] = [];
  const transport: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, headers: request.headers, redirect: init?.redirect });
    return through(input, init);
  };
  return { sent, transport };
}

describe('users exports through the client', () => {
  test('creates a JSON export of the fields asked for, follows the job, and downloads the file without the token', async ({ tenant }) => {
    const ada = tenant.users.create({ app_metadata: { needsPasswordReset: true } });
    const { sent, transport } = recording(tenant.fetch);
    const client = await clientOf(tenant, { transport });

    const created = await client.createUsersExport([{ name: 'user_id' }, { name: 'identities[0].connection', exportAs: 'connection' }]);
    expect(created).toEqual({ id: expect.stringMatching(/^job_/), status: 'pending', location: undefined, percentageDone: undefined, timeLeftSeconds: undefined, statusDetails: undefined });
    expect(await client.readJob(created.id)).toMatchObject({ status: 'pending' });
    expect(await client.readJob(created.id)).toMatchObject({ status: 'processing', percentageDone: 50, timeLeftSeconds: 1 });
    const completed = await client.readJob(created.id);
    expect(completed.status).toBe('completed');

    const body = await client.downloadExport(completed.location as string);
    const text = gunzipSync(Buffer.from(await new Response(body).arrayBuffer())).toString('utf8');
    expect(text).toBe(`${JSON.stringify({ user_id: ada.user_id, connection: 'Username-Password-Authentication' })}\n`);

    const download = sent.at(-1)!;
    expect(download.url).toBe(completed.location);
    // No header at all — above all no Authorization: the link may lead anywhere, and signs itself.
    const names: string[] = [];
    download.headers.forEach((_value, name) => void names.push(name));
    expect(names).toEqual([]);
    expect(download.redirect).toBe('error');
    expect(sent.filter((request) => request.url.includes('/api/v2/')).every((request) => request.headers.get('authorization')?.startsWith('Bearer ') === true)).toBe(true);
  });

  test('sends the job request once after a 5xx (the first may have started a job), and again only after a 429', async ({ tenant }) => {
    const client = await clientOf(tenant);
    tenant.faults.serverError('createUsersExport', { status: 503 });
    const error = await rejectionOf(client.createUsersExport([{ name: 'user_id' }]));
    expect(error).toMatchObject({ step: 'export users', status: 503, attempts: 1 });
    expect(tenant.counts().createUsersExport).toBe(1);

    tenant.faults.rateLimit('createUsersExport', { retryAfterSeconds: 1 });
    expect(await client.createUsersExport([{ name: 'user_id' }])).toMatchObject({ status: 'pending' });
    expect(tenant.counts().createUsersExport).toBe(3);
  });

  test('refuses a location that is not https (or http on this machine), without printing it', async ({ tenant }) => {
    const client = await clientOf(tenant);
    for (const location of ['http://user-exports.example/job_x/t.json.gz?Signature=s3cr3t', 'https://user:pw@user-exports.example/x', 'not a url']) {
      const error = await rejectionOf(client.downloadExport(location));
      expect(error).toMatchObject({ step: 'download export', reason: 'malformed answer: the location is not an https URL', status: undefined });
      expect(error.message).not.toContain('s3cr3t');
    }
  });

  test('reports a refused link with its status and no body (a CDN’s body may quote the link), and a redirect as refused', async ({ tenant }) => {
    const client = await clientOf(tenant);
    const job = await client.createUsersExport([{ name: 'user_id' }]);
    let location: string | undefined;
    while (location === undefined) location = (await client.readJob(job.id)).location;
    const tampered = new URL(location);
    tampered.searchParams.set('Signature', 'forged');
    const refused = await rejectionOf(client.downloadExport(tampered.href));
    expect(refused).toMatchObject({ step: 'download export', status: 403, reason: 'HTTP 403', serverMessage: undefined });
    expect(refused.message).toBe('[auth0-force-password-reset] test: downloading the users export failed: HTTP 403 after 1 attempt');

    const redirecting = await clientOf(tenant, {
      transport: async (input, init) =>
        init?.redirect === 'error' ? Promise.reject(new TypeError('fetch failed', { cause: new Error('unexpected redirect') })) : tenant.fetch(input, init),
    });
    expect(await rejectionOf(redirecting.downloadExport(location))).toMatchObject({ reason: 'redirect refused', status: undefined });
  });
});

describe('a host that cannot be reached, with failFastWhenUnreachable', () => {
  test.for([
    ['ENOTFOUND', 'dns', "its name does not resolve: check the domain, and this machine's DNS and network"],
    ['EAI_AGAIN', 'dns', "its name does not resolve: check the domain, and this machine's DNS and network"],
    ['CERT_HAS_EXPIRED', 'tls', 'its TLS certificate was refused: check the domain, and any proxy that intercepts TLS'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'its TLS certificate was refused: check the domain, and any proxy that intercepts TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'its TLS certificate was refused: check the domain, and any proxy that intercepts TLS'],
    ['ECONNREFUSED', 'connection', 'nothing accepts the connection: check the domain and port, and any firewall or proxy'],
  ] as const)('fails the token request at the first attempt on %s', async ([code, kind, hint], { tenant }) => {
    let attempts = 0;
    const client = await clientOf(tenant, {
      failFastWhenUnreachable: true,
      transport: async () => {
        attempts += 1;
        throw networkFailure(code);
      },
    });
    const error = await rejectionOf(client.authenticate());
    expect(attempts).toBe(1);
    expect(error).toMatchObject({ step: 'get token', attempts: 1, reason: `connection failed (${code})`, unreachable: { host: tenant.domain, kind, code }, hint });
  });

  test('without it, retries them as before; and a dropped connection is never "unreachable"', async ({ tenant }) => {
    let attempts = 0;
    const client = await clientOf(tenant, {
      transport: async () => {
        attempts += 1;
        throw networkFailure('ENOTFOUND');
      },
    });
    const error = await rejectionOf(client.authenticate());
    expect(attempts).toBe(3);
    expect(error.unreachable).toEqual({ host: tenant.domain, kind: 'dns', code: 'ENOTFOUND' });

    attempts = 0;
    const dropping = await clientOf(tenant, {
      failFastWhenUnreachable: true,
      transport: async () => {
        attempts += 1;
        throw networkFailure('UND_ERR_SOCKET');
      },
    });
    expect((await rejectionOf(dropping.authenticate())).unreachable).toBeUndefined();
    expect(attempts).toBe(3);
  });

  test('retries a refused connection to the Management API (a load balancer may be restarting), not to the token endpoint', async ({ tenant }) => {
    const user = tenant.users.create();
    let refusals = 0;
    const client = await clientOf(tenant, {
      failFastWhenUnreachable: true,
      transport: async (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes('/api/v2/') && refusals < 2) {
          refusals += 1;
          throw networkFailure('ECONNREFUSED');
        }
        return tenant.fetch(input, init);
      },
    });
    expect((await client.readUser(user.user_id, ['app_metadata'])).userId).toBe(user.user_id);
    expect(refusals).toBe(2);
  });

  test('meets a real refused connection: a closed port on this machine', async ({ tenant }) => {
    const port = await closedPort();
    const client = await openManagementClient({
      caller: 'test',
      domain: domainOf(`http://127.0.0.1:${port}`),
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      transport: globalThis.fetch,
      tokens: createMemoryTokenStore(),
      requestTimeoutMs: 2_000,
      maxAttempts: 5,
      failFastWhenUnreachable: true,
    });
    const error = await rejectionOf(client.authenticate());
    expect(error).toMatchObject({ attempts: 1, unreachable: { host: `127.0.0.1:${port}`, kind: 'connection', code: 'ECONNREFUSED' } });
    expect(error.message).not.toContain(tenant.clientSecret);
  });
});

describe('waits the client announces', () => {
  test('a 429’s retry-after and a 5xx’s backoff, each before it starts', async ({ tenant }) => {
    const user = tenant.users.create();
    const waits: RetryWait[] = [];
    const slept: number[] = [];
    const client = await clientOf(tenant, {
      onWait: (wait) => void waits.push(wait),
      clock: { sleep: async (ms) => void slept.push(ms) },
    });
    tenant.faults.rateLimit('getUser', { retryAfterSeconds: 12 });
    tenant.faults.serverError('getUser', { status: 503 });
    await client.readUser(user.user_id, ['app_metadata']);
    expect(waits).toEqual([
      { ms: 12_000, reason: 'retry-after', status: 429 },
      { ms: expect.any(Number), reason: 'backoff', status: 503 },
    ]);
    expect(slept).toEqual(waits.map((wait) => wait.ms));
  });
});
