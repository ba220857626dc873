// `npm run bench`, section 5: the change-password page. Time to render the form (GET) and to answer a
// POST in process, then requests per second through `createNodeListener` over HTTP on loopback — with
// the password rules off and on (a full Flexible Password Policy: the 100,000-password dictionary, the
// profile), with the in-memory session store and with the Redis store (a real redis-server, when
// installed), side by side; the page's cold start in fresh processes, with and without the dictionary;
// and the size of what the browser gets. The Management API answers at once (a transport of its own):
// what is measured is the page, not Auth0.
import { spawnSync } from 'node:child_process';
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
const COLD_RUNS = Number(process.env.BENCH_PAGE_COLD_RUNS ?? 9);

/** The rules off: any non-empty password. */
const RULES_OFF = { level: 'none' };
/** Every rule the page checks: composition, the 100,000 common passwords and entries of the tenant's own, the profile. */
const RULES_ON = {
  password_options: {
    complexity: { min_length: 12, character_types: ['lowercase', 'uppercase', 'number', 'special'], character_type_rule: 'three_of_four', identical_characters: 'block', sequential_characters: 'block' },
    dictionary: { active: true, default: 'en_100k', custom: ['acme-winter-2026'] },
    profile_data: { active: true },
    history: { active: true, size: 5 },
  },
};

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(claims) {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
}
/** A session token as the gate makes it: one per POST, since each sets one password. */
function session(index, locale) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ iat, iss: DOMAIN, sub: `auth0|${index}`, exp: iat + 600, purpose: 'afpr:change-password', connection: 'Username-Password-Authentication', host: DOMAIN, flag: 'needsPasswordReset', since: new Date(Date.now() - 60_000).toISOString(), reason: 'first-login', ...(locale === undefined ? {} : { locale }) });
}

/** A Management API that answers at once: the token, the read of a user, and the PATCH of a password. */
const instantApi = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/oauth/token')) return Response.json({ access_token: 'x.y.z', token_type: 'Bearer', expires_in: 86_400, scope: 'read:users update:users' });
  const userId = decodeURIComponent(url.split('/users/')[1]?.split('?')[0] ?? '');
  if (init?.method === 'PATCH') return Response.json({ user_id: userId, last_password_reset: new Date().toISOString(), app_metadata: {} });
  return Response.json({ user_id: userId, email: 'ada@example.com', name: 'Ada Lovelace', nickname: 'ada', given_name: 'Ada', family_name: 'Lovelace' });
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

/** Rounds of each variant, interleaved, so that a busy machine's ups and downs fall on every variant alike. */
const ROUNDS = 3;

/**
 * GET and POST per second through createNodeListener on 127.0.0.1, for each variant (`{ rules, store,
 * handler }`): `ROUNDS` interleaved rounds of `HTTP_REQUESTS / ROUNDS` requests each, the median round
 * reported, every status counted.
 */
async function overHttp(variants, createNodeListener) {
  const perRound = Math.ceil(HTTP_REQUESTS / ROUNDS);
  const servers = await Promise.all(
    variants.map(async (variant) => {
      const server = createServer(createNodeListener(variant.handler));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { ...variant, server, origin: `http://127.0.0.1:${server.address().port}/change-password`, gets: [], posts: [], statuses: { get: new Map(), post: new Map() } };
    }),
  );
  const count = (into, statuses) => {
    for (const part of statuses.split(' ')) {
      const [status, n] = part.split('×');
      into.set(status, (into.get(status) ?? 0) + Number(n));
    }
  };
  // Signed before the clock starts, and shared: each variant has its own store, so a session spent on one
  // is fresh on the others. The first 250 of each are the warm-up's.
  const getTokens = Array.from({ length: 250 + ROUNDS * perRound }, (_, index) => session(index));
  const postTokens = Array.from({ length: 250 + ROUNDS * perRound }, (_, index) => session(1_000_000 + index));
  const getOf = (origin, index) => fetch(`${origin}?session_token=${getTokens[index]}&state=s`);
  const postOf = (origin, index) =>
    fetch(origin, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_token: postTokens[index], state: 's', password: PASSWORD, confirm: PASSWORD }),
    });
  try {
    // Warm up the connection pool, the SDK, the store and the dictionary.
    for (const variant of servers) {
      await throughput(200, (index) => getOf(variant.origin, index));
      await throughput(50, (index) => postOf(variant.origin, index));
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of servers) {
        const base = 250 + round * perRound;
        const get = await throughput(perRound, (index) => getOf(variant.origin, base + index));
        const post = await throughput(perRound, (index) => postOf(variant.origin, base + index));
        variant.gets.push(get.perSecond);
        variant.posts.push(post.perSecond);
        count(variant.statuses.get, get.statuses);
        count(variant.statuses.post, post.statuses);
      }
    }
    const show = (statuses) => [...statuses].map(([status, n]) => `${status}×${n}`).join(' ');
    return servers.map(({ rules, store, gets, posts, statuses }) => ({
      rules,
      store,
      getPerSecond: median(gets),
      getStatuses: show(statuses.get),
      postPerSecond: median(posts),
      postStatuses: show(statuses.post),
    }));
  } finally {
    for (const { server } of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}

/**
 * The page's cold start in a fresh process: load page.js, create the page, answer one GET and one POST
 * (the POST loads the auth0 SDK, and the dictionary when the rules name one). Milliseconds since the
 * process started, and memory after a garbage collection.
 */
const COLD_SCRIPT = (dist, passwordPolicy) => `
const { createHmac } = require('node:crypto');
const key = ${JSON.stringify(KEY)};
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (claims) => { const input = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims); return input + '.' + createHmac('sha256', key).update(input).digest('base64url'); };
const api = ${instantApi.toString()};
(async () => {
  const { createChangePasswordPage } = await import(${JSON.stringify(join(dist, 'page.js'))});
  const page = createChangePasswordPage({ domain: ${JSON.stringify(DOMAIN)}, clientId: 'id', clientSecret: 's', sessionSecret: key, passwordPolicy: ${JSON.stringify(passwordPolicy)}, fetch: api, log: false });
  const iat = Math.floor(Date.now() / 1000);
  const token = sign({ iat, exp: iat + 600, iss: ${JSON.stringify(DOMAIN)}, sub: 'auth0|1', purpose: 'afpr:change-password', connection: 'db', host: ${JSON.stringify(DOMAIN)}, since: new Date(Date.now() - 60000).toISOString(), reason: 'first-login' });
  const loaded = performance.now();
  await (await page(new Request('https://page.test/?session_token=' + token + '&state=s'))).text();
  const form = performance.now();
  const answer = await page(new Request('https://page.test/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ session_token: token, state: 's', password: ${JSON.stringify(PASSWORD)}, confirm: ${JSON.stringify(PASSWORD)} }) }));
  await answer.text();
  const done = performance.now();
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(JSON.stringify({ status: answer.status, loaded, form, done, rss, heapUsed }));
})();`;

/** The two lists alone in a fresh process: how long their import takes, and what they add to memory. */
const DICTIONARY_SCRIPT = (dist) => `
(async () => {
  globalThis.gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const lists = await Promise.all([import(${JSON.stringify(join(dist, 'common-passwords-top-10k.js'))}), import(${JSON.stringify(join(dist, 'common-passwords-next-90k.js'))})]);
  const loaded = performance.now() - started;
  globalThis.gc();
  const after = process.memoryUsage();
  process.stdout.write(JSON.stringify({ status: 200, loaded, rss: after.rss - before.rss, heapUsed: after.heapUsed - before.heapUsed, entries: lists[0].count + lists[1].count }));
})();`;

const runFresh = (script) => {
  const result = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`a fresh process of the page benchmark failed: ${result.stderr}`);
  const measured = JSON.parse(result.stdout);
  if (measured.status !== 200) throw new Error(`page cold start: the POST answered ${measured.status}`);
  return measured;
};

function coldStart(dist) {
  const variants = [
    { rules: 'off', script: COLD_SCRIPT(dist, RULES_OFF), runs: [] },
    { rules: 'on (en_100k)', script: COLD_SCRIPT(dist, RULES_ON), runs: [] },
    { rules: 'the two lists alone', script: DICTIONARY_SCRIPT(dist), runs: [] },
  ];
  // Interleaved: a busy machine's noise falls on each variant alike.
  for (let run = 0; run < COLD_RUNS; run += 1) for (const variant of variants) variant.runs.push(runFresh(variant.script));
  const rows = [];
  for (const { rules, runs } of variants) {
    const at = (field, digits = 1) => Number(median(runs.map((run) => run[field])).toFixed(digits));
    if (rules === 'the two lists alone') {
      rows.push({ rules: `${rules} (${runs[0].entries.toLocaleString('en')} passwords)`, loadedMs: at('loaded'), firstFormMs: '—', firstPostMs: '—', rssMiB: Number((median(runs.map((run) => run.rss)) / 2 ** 20).toFixed(1)), heapMiB: Number((median(runs.map((run) => run.heapUsed)) / 2 ** 20).toFixed(1)) });
      continue;
    }
    rows.push({
      rules,
      loadedMs: at('loaded'),
      firstFormMs: at('form'),
      firstPostMs: at('done'),
      rssMiB: Number((median(runs.map((run) => run.rss)) / 2 ** 20).toFixed(1)),
      heapMiB: Number((median(runs.map((run) => run.heapUsed)) / 2 ** 20).toFixed(1)),
    });
  }
  return rows;
}

export async function pageBenchmark(dist) {
  const { createChangePasswordPage, createNodeListener, createMemorySessionStore, createRedisSessionStore } = await import(join(dist, 'page.js'));
  const make = (sessionStore, passwordPolicy = { level: 'good' }) =>
    createChangePasswordPage({ domain: DOMAIN, clientId: 'id', clientSecret: 'secret', sessionSecret: KEY, passwordPolicy, fetch: instantApi, log: false, sessionStore });
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
  // The largest form the page sends: every rule listed, a refusal naming four of them, in Japanese
  // (three bytes a character), with the breach check's rule too.
  const largest = createChangePasswordPage({
    domain: DOMAIN, clientId: 'id', clientSecret: 'secret', sessionSecret: KEY, passwordPolicy: RULES_ON, fetch: instantApi, log: false,
    breachedPasswords: { rangeUrl: 'https://range.pwned.test/range/', onUnavailable: 'allow' },
  });
  const refusal = await largest(new Request('https://page.example.test/change-password', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session_token: session(7, 'ja'), state: 's', password: 'aaabc', confirm: 'aaabd' }),
  }));
  const largestHtml = await refusal.text();
  if (refusal.status !== 400) throw new Error(`the largest form: the page answered ${refusal.status}`);
  const scripts = (html) => html.match(/<script\b[^>]*>/g) ?? [];
  const nonce = refusal.headers.get('content-security-policy')?.match(/script-src 'nonce-([^']+)'/)?.[1];
  const inProcess = {
    getMedianMs: Number(median(gets).toFixed(3)),
    postMedianMs: Number(median(posts).toFixed(3)),
    formBytes: Buffer.byteLength(formHtml),
    largestFormBytes: Buffer.byteLength(largestHtml),
    continueBytes: Buffer.byteLength(continueHtml),
    formScripts: scripts(largestHtml).length,
    formScriptUnderNonce: scripts(largestHtml).every((tag) => tag === `<script nonce="${nonce}">`),
    externalAssets: /\b(?:src|href)=/i.test(formHtml + largestHtml + continueHtml),
  };

  // Rules off, the legacy level, and every rule on: the same requests, the same in-memory store. A POST
  // with the rules on also reads the user's profile (the personal-data rule) and looks the password up
  // among 100,000. Then the Redis store, when redis-server is installed.
  const variants = [
    { rules: 'off', store: 'memory', handler: make(createMemorySessionStore(), RULES_OFF) },
    { rules: 'legacy good', store: 'memory', handler: make(createMemorySessionStore()) },
    { rules: 'on (en_100k, profile)', store: 'memory', handler: make(createMemorySessionStore(), RULES_ON) },
  ];
  const redisServer = findRedisServer() === undefined ? undefined : await startRedisServer();
  // `redis` is a devDependency: the page itself depends on no Redis client.
  const client = redisServer === undefined ? undefined : await createRequire(import.meta.url)('redis').createClient({ url: redisServer.url }).connect();
  if (client !== undefined) variants.push({ rules: 'legacy good', store: 'redis (node-redis, local redis-server)', handler: make(createRedisSessionStore({ client })) });
  let http;
  try {
    http = await overHttp(variants, createNodeListener);
  } finally {
    await client?.quit();
    await redisServer?.stop();
  }
  if (client === undefined) http.push({ rules: 'legacy good', store: 'redis', getPerSecond: '—', getStatuses: REDIS_MISSING, postPerSecond: '—', postStatuses: '' });
  return { ...inProcess, http, coldStart: coldStart(dist) };
}
