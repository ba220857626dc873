import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, vi } from 'vitest';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf, managementRequest, tenantTest as test } from '../../../helpers/local-tenant.js';

const FIELDS = [
  { name: 'user_id' },
  { name: 'last_password_reset' },
  { name: 'app_metadata' },
  { name: 'identities[0].connection', export_as: 'connection' },
];

afterEach(() => {
  vi.useRealTimers();
});

async function createExport(tenant: LocalTenant, token: string, body: Record<string, unknown> = { format: 'json', fields: FIELDS }) {
  const response = await managementRequest(tenant, token, 'POST', '/jobs/users-exports', body);
  return { status: response.status, job: (await response.json()) as Record<string, unknown> };
}

async function readJob(tenant: LocalTenant, token: string, id: unknown) {
  return (await (await managementRequest(tenant, token, 'GET', `/jobs/${String(id)}`)).json()) as Record<string, unknown>;
}

/** Reads the job until it completes; its download link. */
async function completedLocation(tenant: LocalTenant, token: string, id: unknown): Promise<string> {
  for (let read = 0; read < 10; read += 1) {
    const job = await readJob(tenant, token, id);
    if (job['status'] === 'completed') return job['location'] as string;
  }
  throw new Error('the job never completed');
}

async function downloadLines(tenant: LocalTenant, location: string): Promise<unknown[]> {
  const response = await tenant.fetch(location, { redirect: 'error' });
  expect(response.status).toBe(200);
  const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
}

describe('users exports on the local tenant', () => {
  test('a job is pending, then processing, then completed with a link to a gzip file of one JSON user a line', async ({ tenant }) => {
    const ada = tenant.users.create({ app_metadata: { needsPasswordReset: true } });
    const google = tenant.users.create({ connection: 'google-oauth2' });
    const token = await accessTokenOf(tenant);

    const { status, job } = await createExport(tenant, token);
    expect(status).toBe(201);
    expect(job).toMatchObject({ type: 'users_export', status: 'pending', format: 'json', fields: FIELDS, id: expect.stringMatching(/^job_[A-Za-z0-9]{16}$/) });
    expect(await readJob(tenant, token, job['id'])).toMatchObject({ status: 'pending' });
    expect(await readJob(tenant, token, job['id'])).toMatchObject({ status: 'processing', percentage_done: 50, time_left_seconds: 1 });
    // Users change until the job completes: the file holds them as they are then.
    tenant.users.changePassword(ada.user_id, 'N3w-Passw0rd!');
    const completed = await readJob(tenant, token, job['id']);
    expect(completed).toMatchObject({ status: 'completed', location: expect.any(String) });

    const location = new URL(completed['location'] as string);
    // Another host, as Auth0's CDN is: the tenant serves the file on a second listener.
    expect(location.host).not.toBe(tenant.domain);
    expect(location.pathname).toBe(`/${String(job['id'])}/local.json.gz`);
    expect([...location.searchParams.keys()]).toEqual(['Expires', 'Key-Pair-Id', 'Signature']);

    const lines = await downloadLines(tenant, location.href);
    expect(lines).toEqual([
      {
        user_id: ada.user_id,
        last_password_reset: tenant.users.get(ada.user_id)!.last_password_reset,
        app_metadata: { needsPasswordReset: true },
        connection: 'Username-Password-Authentication',
      },
      // Fields a user lacks are left out.
      { user_id: google.user_id, app_metadata: {}, connection: 'google-oauth2' },
    ]);
    const download = tenant.requests.find((request) => request.route === 'downloadExport');
    expect(download).toMatchObject({ method: 'GET', status: 200, auth: 'none' });
  });

  test('serves the file over HTTP too, and with Auth0’s predefined fields when none are named', async ({ tenant }) => {
    tenant.users.create({ email: 'ada@example.com' });
    const token = await accessTokenOf(tenant);
    const { job } = await createExport(tenant, token, { format: 'json' });
    const location = await completedLocation(tenant, token, job['id']);
    const response = await fetch(location);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    const [line] = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8').split('\n');
    expect(Object.keys(JSON.parse(line ?? '{}') as object)).toEqual(['user_id', 'email', 'created_at', 'updated_at', 'logins_count']);
  });

  test('a link expires 60 s after it was given, by the tenant clock; reading the job again gives a fresh one', async ({ tenant }) => {
    tenant.users.create();
    const token = await accessTokenOf(tenant);
    const { job } = await createExport(tenant, token);
    const location = await completedLocation(tenant, token, job['id']);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);

    const expired = await tenant.fetch(location);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    const fresh = (await readJob(tenant, token, job['id']))['location'] as string;
    expect(fresh).not.toBe(location);
    expect(await downloadLines(tenant, fresh)).toHaveLength(1);
  });

  test('refuses a link whose signature does not match, and forgets jobs after 24 hours', async ({ tenant }) => {
    const token = await accessTokenOf(tenant);
    const { job } = await createExport(tenant, token);
    const location = new URL(await completedLocation(tenant, token, job['id']));
    location.searchParams.set('Expires', String(Number(location.searchParams.get('Expires')) + 3600));
    expect((await tenant.fetch(location.href)).status).toBe(403);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000 + 1000);
    const gone = await managementRequest(tenant, await accessTokenOf(tenant), 'GET', `/jobs/${String(job['id'])}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'The job does not exist.', errorCode: 'inexistent_job' });
  });

  test('exports one connection, at most `limit` users', async ({ tenant }) => {
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    const staff = [tenant.users.create({ connection: 'staff' }), tenant.users.create({ connection: 'staff' })];
    tenant.users.create();
    const token = await accessTokenOf(tenant);
    const { id: connectionId } = tenant.connections.get('staff')!;
    const { job } = await createExport(tenant, token, { format: 'json', connection_id: connectionId, fields: [{ name: 'user_id' }] });
    expect(job).toMatchObject({ connection_id: connectionId, connection: 'staff' });
    expect(await downloadLines(tenant, await completedLocation(tenant, token, job['id']))).toEqual(staff.map((user) => ({ user_id: user.user_id })));

    const { job: limited } = await createExport(tenant, token, { format: 'json', limit: 1, fields: [{ name: 'user_id' }] });
    expect(await downloadLines(tenant, await completedLocation(tenant, token, limited['id']))).toHaveLength(1);
  });

  test.for([
    [{ format: 'csv' }, 'The local tenant exports format "json" only.'],
    [{ format: 'xml' }, "Payload validation error: 'format must be one of json, csv'."],
    [{ format: 'json', connection_id: 'con_0000000000000000' }, 'The connection does not exist.'],
    [{ format: 'json', fields: [{ name: '' }] }, "Payload validation error: 'fields[].name must be a string of 1 to 100 characters'."],
    [{ format: 'json', sort: 'email' }, "Payload validation error: 'Additional properties not allowed: sort'."],
  ] as const)('answers %j with a 400: %s', async ([body, message], { tenant }) => {
    const token = await accessTokenOf(tenant);
    const { status, job } = await createExport(tenant, token, body);
    expect(status).toBe(400);
    expect(job['message']).toBe(message);
  });

  test('needs read:users', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['update:users'] });
    const { status, job } = await createExport(tenant, await accessTokenOf(tenant));
    expect(status).toBe(403);
    expect(job['message']).toBe('Insufficient scope, expected any of: read:users');
  });

  test('completes at the first read with exportJobPolls: 0', async ({ startTenant }) => {
    const tenant = await startTenant({ exportJobPolls: 0 });
    const token = await accessTokenOf(tenant);
    const { job } = await createExport(tenant, token);
    expect(await readJob(tenant, token, job['id'])).toMatchObject({ status: 'completed' });
  });
});

describe('rate limits on the local tenant', () => {
  test('free plan: a burst of 2, then 429 with retry-after and the x-ratelimit headers; refilled at 2 per second by the tenant clock', async ({ startTenant }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00.000Z'));
    const tenant = await startTenant({ rateLimit: 'free' });
    const user = tenant.users.create();
    const token = await accessTokenOf(tenant);
    const read = () => managementRequest(tenant, token, 'GET', `/users/${encodeURIComponent(user.user_id)}`);
    const headers = (response: Response) => {
      const found: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (name.startsWith('x-ratelimit') || name === 'retry-after') found[name] = value;
      });
      return found;
    };

    const first = await read();
    expect(first.status).toBe(200);
    expect(headers(first)).toEqual({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(Date.parse('2026-03-01T10:00:01.000Z') / 1000) });
    expect(headers(await read())).toMatchObject({ 'x-ratelimit-remaining': '0' });
    const limited = await read();
    expect(limited.status).toBe(429);
    expect(headers(limited)).toMatchObject({ 'retry-after': '1', 'x-ratelimit-remaining': '0' });
    expect(await limited.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached' });
    // The token endpoint has a limit of its own: not counted here.
    await accessTokenOf(tenant);

    vi.setSystemTime(Date.now() + 500);
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(429);
    expect(tenant.requests.filter((request) => request.route === 'getUser').map((request) => request.status)).toEqual([200, 200, 429, 200, 429]);
  });

  test('enterprise plan: a burst of 50 at once, then 16 per second', async ({ startTenant }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00.000Z'));
    const tenant = await startTenant({ rateLimit: 'enterprise' });
    const token = await accessTokenOf(tenant);
    const statuses: number[] = [];
    for (let request = 0; request < 51; request += 1) statuses.push((await managementRequest(tenant, token, 'GET', '/users?per_page=1')).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.at(-1)).toBe(429);
    vi.setSystemTime(Date.now() + 1000);
    for (let request = 0; request < 16; request += 1) expect((await managementRequest(tenant, token, 'GET', '/users?per_page=1')).status).toBe(200);
    expect((await managementRequest(tenant, token, 'GET', '/users?per_page=1')).status).toBe(429);
  });

  test('takes a bucket of your own, and refuses a malformed one', async ({ startTenant }) => {
    const tenant = await startTenant({ rateLimit: { perSecond: 1000, burst: 1 } });
    const token = await accessTokenOf(tenant);
    expect((await managementRequest(tenant, token, 'GET', '/users')).headers.get('x-ratelimit-limit')).toBe('1');
    await expect(startTenant({ rateLimit: { perSecond: 0, burst: 1 } })).rejects.toThrow(
      '[auth0-force-password-reset] startLocalTenant: "options.rateLimit.perSecond" must be a number above 0 (got 0)',
    );
    await expect(startTenant({ exportJobPolls: -1 })).rejects.toThrow('"options.exportJobPolls" must be a non-negative integer (got -1)');
  });
});
