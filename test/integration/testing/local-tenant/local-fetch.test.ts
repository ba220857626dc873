import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, vi } from 'vitest';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf, clientCredentialsOf, tenantTest as it } from '../../../helpers/local-tenant.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const tokenBody = (tenant: LocalTenant) => JSON.stringify(clientCredentialsOf(tenant));

describe('tenant.fetch: the tenant in process', () => {
  it('opens no socket: the request goes straight to the tenant’s handler', async ({ tenant }) => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const user = tenant.users.create();
    const token = await accessTokenOf(tenant);
    const response = await tenant.fetch(`https://${tenant.domain}/api/v2/users/${encodeURIComponent(user.user_id)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`https://${tenant.domain}/api/v2/users/${encodeURIComponent(user.user_id)}`);
    expect(connect).not.toHaveBeenCalled();
  });

  it('follows a redirect within the tenant, sending a 307’s body again', async ({ tenant }) => {
    tenant.faults.inject('token', { kind: 'status', status: 307, headers: { location: `https://${tenant.domain}/oauth/token` } });

    const response = await tenant.fetch(`https://${tenant.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tokenBody(tenant),
    });

    expect(response.status).toBe(200);
    expect(response.redirected).toBe(true);
    expect(tenant.requests.map(({ method, route, status }) => [method, route, status])).toEqual([
      ['POST', 'token', 307],
      ['POST', 'token', 200],
    ]);
  });

  it('turns a 303 into a GET without the body, as fetch does', async ({ tenant }) => {
    tenant.faults.inject('token', { kind: 'status', status: 303, headers: { location: '/api/v2/connections' } });

    const response = await tenant.fetch(`https://${tenant.domain}/oauth/token`, { method: 'POST', body: tokenBody(tenant) });

    expect(response.status).toBe(401);
    expect(tenant.requests.map(({ method, route }) => [method, route])).toEqual([
      ['POST', 'token'],
      ['GET', 'listConnections'],
    ]);
  });

  it('refuses a redirect to another host: the request, its body and its credentials never leave', async ({ tenant }) => {
    const network = vi.spyOn(globalThis, 'fetch');
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    tenant.faults.inject('token', { kind: 'status', status: 307, headers: { location: 'https://evil.example.com/steal?x=1' } });

    const refused = await tenant
      .fetch(`https://${tenant.domain}/oauth/token`, { method: 'POST', body: tokenBody(tenant) })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe(
      `[auth0-force-password-reset] localTenant.fetch: refusing to follow a redirect from https://${tenant.domain} to https://evil.example.com; a local tenant only reaches https://${tenant.domain}/`,
    );
    expect(network).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
    expect(tenant.counts().total).toBe(1);
  });

  it('honours redirect: "error" and "manual"', async ({ tenant }) => {
    const url = `https://${tenant.domain}/api/v2/users`;
    tenant.faults.inject('listUsers', { kind: 'status', status: 302, headers: { location: url } }, { times: 2 });

    const errored = await tenant.fetch(url, { redirect: 'error' }).catch((error: unknown) => error);
    const manual = await tenant.fetch(url, { redirect: 'manual' });

    expect(errored).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { message: 'unexpected redirect' } });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe(url);
  });

  it('gives up after 20 redirects, as fetch does', async ({ tenant }) => {
    const url = `https://${tenant.domain}/api/v2/users`;
    tenant.faults.inject('listUsers', { kind: 'status', status: 302, headers: { location: url } }, { times: 25 });

    await expect(tenant.fetch(url)).rejects.toMatchObject({ message: 'fetch failed', cause: { message: 'redirect count exceeded' } });
    expect(tenant.counts().listUsers).toBe(21);
  });

  it('drops a connection as undici reports it: TypeError "fetch failed" caused by a closed socket', async ({ tenant }) => {
    tenant.faults.drop('token');

    const dropped = await tenant.fetch(`https://${tenant.domain}/oauth/token`, { method: 'POST', body: tokenBody(tenant) }).catch((error: unknown) => error);

    expect(dropped).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' } });
  });

  it('leaves a hanging request pending until the caller aborts it, with the caller’s reason', async ({ tenant }) => {
    tenant.faults.hang('listUsers');
    const controller = new AbortController();
    let settled = false;
    const hung = tenant.fetch(`https://${tenant.domain}/api/v2/users`, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    hung.catch(() => {});

    for (let turn = 0; turn < 50; turn += 1) await nextTurn();
    expect(settled).toBe(false);
    controller.abort();

    await expect(hung).rejects.toMatchObject({ name: 'AbortError' });
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'listUsers', fault: 'hang' });
  });

  it('refuses every request once the tenant is closed, as a refused connection', async ({ startTenant }) => {
    const tenant = await startTenant();
    await tenant.close();

    await expect(tenant.fetch(`https://${tenant.domain}/oauth/token`)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
  });
});

describe('tenant.handle: the tenant as a Web-standard handler', () => {
  it('answers a Request with a Response, whatever the host it was addressed to', async ({ tenant }) => {
    const response = await tenant.handle(new Request('http://mounted.example.com/api/v2/users'));

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
    expect(tenant.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/api/v2/users', route: 'listUsers', status: 401 })]);
  });
});

describe('the HTTP listener: an adapter for clients that need a socket', () => {
  it('serves the same tenant over HTTP at tenant.origin', async ({ tenant }) => {
    // Also the control of the "no socket" test above: a request over HTTP does open one.
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const user = tenant.users.create({ app_metadata: { plan: 'pro' } });
    const tokenResponse = await fetch(`${tenant.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tokenBody(tenant),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

    const response = await fetch(`${tenant.origin}/api/v2/users/${encodeURIComponent(user.user_id)}`, { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toMatchObject({ user_id: user.user_id, app_metadata: { plan: 'pro' } });
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 1 });
    expect(connect).toHaveBeenCalled();
  });

  it('closes the connection of a dropped request, and of a hung one when the tenant closes', async ({ startTenant }) => {
    const tenant = await startTenant();
    tenant.faults.drop('token');
    await expect(fetch(`${tenant.origin}/oauth/token`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError);

    tenant.faults.hang('any');
    const hung = fetch(`${tenant.origin}/api/v2/users`);
    await expect.poll(() => tenant.counts().total).toBe(2);
    await tenant.close();
    await expect(hung).rejects.toThrow(TypeError);
  });
});
