// `npm run bench`, section 5: the change-password page. Time to render the form (GET) and to answer a
// POST in process, then requests per second through `createNodeListener` over HTTP on loopback, with the
// in-memory session store and with the Redis store (a real redis-server, when installed), side by side;
// and the size of what the browser gets. The Management API answers at once (a transport of its own):
// what is measured is the page, not Auth0.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { findRedisServer, REDIS_MISSING, startRedisServer } from '../helpers/redis-server.mjs';

const KEY = 'a-benchmark-session-key-of-at-least-32-bytes';
const DOMAIN = 'acme.auth0.test';
const PASSWORD = 'Brand-New-Passw0rd';
// Requests in flight at once through HTTP: a busy page, on a machine with two cores.
const CONCURRENCY = 16;
const HTTP_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 4_000);

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(claims) {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
}
/** A session token as the gate makes it: one per POST, since each sets one password. */
function session(index) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ iat, iss: DOMAIN, sub: `auth0|${index}`, exp: iat + 600, purpose: 'afpr:change-password', connection: 'Username-Password-Authentication', host: DOMAIN, flag: 'needsPasswordReset', since: new Date(Date.now() - 60_000).toISOString(), reason: 'first-login' });
}

/** A Management API that answers at once: the token, the read of a user, and the PATCH of a password. */
const instantApi = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/oauth/token')) return Response.json({ access_token: 'x.y.z', token_type: 'Bearer', expires_in: 86_400, scope: 'read:users update:users' });
  const userId = decodeURIComponent(url.split('/users/')[1]?.split('?')[0] ?? '');
  if (init?.method === 'PATCH') return Response.json({ user_id: userId, last_password_reset: new Date().toISOString(), app_metadata: {} });
  return Response.json({ user_id: userId, email: 'ada@example.com' });
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `count` requests made by `request(index)`, `CONCURRENCY` at a time; requests per second, and every status seen. */
async function throughput(count, request) {
  let next = 0;
  const statuses = new Map();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let index = next++; index < count; index = next++) {
        const response = await request(index);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return { perSecond: Math.round(count / ((performance.now() - started) / 1000)), statuses: [...statuses].map(([status, n]) => `${status}×${n}`).join(' ') };
}

/** GET and POST per second through createNodeListener on 127.0.0.1, with `sessionStore`. */
async function overHttp(page, label) {
  const { createNodeListener } = page;
  const server = createServer(createNodeListener(page.handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}/change-password`;
  try {
    const getTokens = Array.from({ length: HTTP_REQUESTS }, (_, index) => session(index));
    const postTokens = Array.from({ length: HTTP_REQUESTS }, (_, index) => session(1_000_000 + index));
    // Warm up the connection pool, the SDK and the store.
    await throughput(200, (index) => fetch(`${origin}?session_token=${getTokens[index]}&state=s`));
    const get = await throughput(HTTP_REQUESTS, (index) => fetch(`${origin}?session_token=${getTokens[index]}&state=s`));
    const post = await throughput(HTTP_REQUESTS, (index) =>
      fetch(origin, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session_token: postTokens[index], state: 's', password: PASSWORD, confirm: PASSWORD }),
      }),
    );
    return { store: label, getPerSecond: get.perSecond, getStatuses: get.statuses, postPerSecond: post.perSecond, postStatuses: post.statuses };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function pageBenchmark(dist) {
  const { createChangePasswordPage, createNodeListener, createMemorySessionStore, createRedisSessionStore } = await import(join(dist, 'page.js'));
  const make = (sessionStore) =>
    createChangePasswordPage({ domain: DOMAIN, clientId: 'id', clientSecret: 'secret', sessionSecret: KEY, passwordPolicy: { level: 'good' }, fetch: instantApi, log: false, sessionStore });
  const page = make(createMemorySessionStore());
  const get = (index) => page(new Request(`https://page.example.test/change-password?session_token=${session(index)}&state=s`));
  const post = (index) =>
    page(new Request('https://page.example.test/change-password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_token: session(index), state: 's', password: PASSWORD, confirm: PASSWORD }),
    }));
  // Warm up (and load the auth0 SDK) before measuring.
  for (let i = 0; i < 200; i += 1) await (await post(i)).text();
  const gets = [];
  const posts = [];
  for (let i = 0; i < 2000; i += 1) {
    let started = performance.now();
    const form = await get(i);
    await form.text();
    gets.push(performance.now() - started);
    started = performance.now();
    const done = await post(10_000 + i);
    await done.text();
    posts.push(performance.now() - started);
  }
  const formHtml = await (await get(1)).text();
  const continueHtml = await (await post(99_999)).text();
  const inProcess = {
    getMedianMs: Number(median(gets).toFixed(3)),
    postMedianMs: Number(median(posts).toFixed(3)),
    formBytes: Buffer.byteLength(formHtml),
    continueBytes: Buffer.byteLength(continueHtml),
    formHasScript: /<script/i.test(formHtml),
    externalAssets: /\b(?:src|href)=/i.test(formHtml + continueHtml),
  };

  const http = [await overHttp({ handler: make(createMemorySessionStore()), createNodeListener }, 'memory')];
  if (findRedisServer() === undefined) {
    http.push({ store: 'redis', getPerSecond: '—', getStatuses: REDIS_MISSING, postPerSecond: '—', postStatuses: '' });
  } else {
    const redisServer = await startRedisServer();
    // `redis` is a devDependency: the page itself depends on no Redis client.
    const { createClient } = createRequire(import.meta.url)('redis');
    const client = await createClient({ url: redisServer.url }).connect();
    try {
      http.push(await overHttp({ handler: make(createRedisSessionStore({ client })), createNodeListener }, 'redis (node-redis, local redis-server)'));
    } finally {
      await client.quit();
      await redisServer.stop();
    }
  }
  return { ...inProcess, http };
}
