import { Redis as IoRedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/errors/index.js';
import { createRedisSessionStore } from '../../../src/page/redis-session-store.js';
import { createMemorySessionStore, type PageSessionStore } from '../../../src/page/session-store.js';
import { redisTestsRun, startRedisServer, type RedisServer } from '../../helpers/redis-server.mjs';

/**
 * The session store contract of the change-password page (issue 19): every store — in memory, and on a
 * real Redis through node-redis, ioredis and a bare command function — holds it, under parallel calls.
 */
const HOUR = 3_600_000;

const connectNodeRedis = (url: string) => createClient({ url }).connect();
// The client typed as its constructor returns it: a variable declared `IoRedis` and assigned `new
// IoRedis(…)` took TypeScript 2.3 s to relate — a quarter of the whole type-check.
const connectIoRedis = async (url: string) => {
  const client = new IoRedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  return client;
};

/** The contract, for a store made fresh by `make` for each test. */
function contract(make: () => PageSessionStore) {
  it('lets exactly one of 50 parallel claims win', async () => {
    const store = make();
    const wins = await Promise.all(Array.from({ length: 50 }, () => store.claim('s1', Date.now() + HOUR)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('gives a released claim back, and another caller may take it', async () => {
    const store = make();
    expect(await store.claim('s2', Date.now() + HOUR)).toBe(true);
    expect(await store.claim('s2', Date.now() + HOUR)).toBe(false);
    await store.release('s2');
    expect(await store.claim('s2', Date.now() + HOUR)).toBe(true);
  });

  it('spends a session for good: no claim after, a release changes nothing, other sessions untouched', async () => {
    const store = make();
    expect(await store.claim('s3', Date.now() + HOUR)).toBe(true);
    await store.spend('s3', Date.now() + HOUR);
    await store.release('s3');
    expect(await store.isSpent('s3')).toBe(true);
    expect(await store.claim('s3', Date.now() + HOUR)).toBe(false);
    expect(await store.isSpent('s4')).toBe(false);
    expect(await store.claim('s4', Date.now() + HOUR)).toBe(true);
  });

  it('spends a session that was never claimed (a lock)', async () => {
    const store = make();
    await store.spend('s5', Date.now() + HOUR);
    expect(await store.isSpent('s5')).toBe(true);
    expect(await store.claim('s5', Date.now() + HOUR)).toBe(false);
  });

  it('counts 40 parallel attempts as 40, and takes one back', async () => {
    const store = make();
    const counts = await Promise.all(Array.from({ length: 40 }, () => store.countAttempt('s6', 1, Date.now() + HOUR)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(await store.countAttempt('s6', -1, Date.now() + HOUR)).toBe(39);
    expect(await store.countAttempt('s7', 1, Date.now() + HOUR)).toBe(1);
  });
}

describe('createMemorySessionStore', () => {
  contract(() => createMemorySessionStore());

  it('forgets a session once it has expired (by the clock it is given)', () => {
    let now = 1_000_000;
    const store = createMemorySessionStore(() => now);
    store.spend('a', now + 60_000);
    store.claim('b', now + 60_000);
    store.countAttempt('c', 1, now + 60_000);
    now += 60_001;
    expect(store.isSpent('a')).toBe(false);
    expect(store.claim('b', now + 60_000)).toBe(true);
    expect(store.countAttempt('c', 1, now + 60_000)).toBe(1);
  });
});

describe.runIf(redisTestsRun())('createRedisSessionStore, on a real Redis server', () => {
  let server: RedisServer;
  let nodeRedis: Awaited<ReturnType<typeof connectNodeRedis>>;
  let ioRedis: Awaited<ReturnType<typeof connectIoRedis>>;
  let next = 0;
  /** A prefix of its own for each store, so the tests share one server and nothing else. */
  const prefix = () => `test:${process.pid}:${(next += 1)}:`;

  beforeAll(async () => {
    server = await startRedisServer();
    nodeRedis = await connectNodeRedis(server.url);
    ioRedis = await connectIoRedis(server.url);
  }, 90_000);

  afterAll(async () => {
    await nodeRedis?.quit().catch(() => {});
    ioRedis?.disconnect();
    await server?.stop();
  });

  describe('through node-redis', () => contract(() => createRedisSessionStore({ client: nodeRedis, prefix: prefix() })));
  describe('through ioredis', () => contract(() => createRedisSessionStore({ client: ioRedis, prefix: prefix() })));
  describe('through a command function', () => contract(() => createRedisSessionStore({ client: (args) => nodeRedis.sendCommand([...args]), prefix: prefix() })));

  it('takes only Redis’s OK for a claim: a command function that answers nil as undefined claims nothing twice', async () => {
    const store = createRedisSessionStore({ client: async (args) => (await nodeRedis.sendCommand([...args])) ?? undefined, prefix: prefix() });
    const expiresAt = Date.now() + 90_000;
    expect(await store.claim('k', expiresAt)).toBe(true);
    expect(await store.claim('k', expiresAt)).toBe(false);
    await store.spend('k', expiresAt);
    expect(await store.claim('k', expiresAt)).toBe(false);
  });

  it('keeps every key under its prefix, and lets each expire with its session', async () => {
    const chosen = prefix();
    const store = createRedisSessionStore({ client: nodeRedis, prefix: chosen });
    const expiresAt = Date.now() + 90_000;
    await store.claim('k', expiresAt);
    await store.countAttempt('k', 1, expiresAt);
    const keys = (await nodeRedis.keys(`${chosen}*`)).sort();
    expect(keys).toEqual([`${chosen}k`, `${chosen}k:attempts`]);
    for (const key of keys) {
      const ttl = await nodeRedis.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(90_000);
    }
  });

  it('gives up on a command that does not come back within timeoutMs', async () => {
    const store = createRedisSessionStore({ client: () => new Promise(() => {}), timeoutMs: 50 });
    await expect(store.claim('never', Date.now() + 60_000)).rejects.toThrow('Redis did not answer SET within 50 ms');
  });

  it('uses the default prefix afpr:page:', async () => {
    await createRedisSessionStore({ client: nodeRedis }).spend('default-prefix', Date.now() + 60_000);
    expect(await nodeRedis.get('afpr:page:default-prefix')).toBe('spent');
  });
});

describe('createRedisSessionStore options', () => {
  it.for([
    [{}, '"options.client" is required: a node-redis client (sendCommand), an ioredis client (call) or a function (args: string[]) => Promise<unknown>'],
    [{ client: { get() {} } }, '"options.client" must be a node-redis client (sendCommand), an ioredis client (call) or a function (args: string[]) => Promise<unknown> (got an object)'],
    [{ client: () => Promise.resolve(null), prefix: 7 }, '"options.prefix" must be a string (got 7)'],
    [{ client: () => Promise.resolve(null), url: 'redis://x' }, '"options.url" is not a known option (known: client, prefix, timeoutMs)'],
    [{ client: () => Promise.resolve(null), timeoutMs: 0 }, '"options.timeoutMs" must be an integer from 10 to 60000 (milliseconds) (got 0)'],
  ] as const)('rejects %j with an OptionsError naming the option', ([options, expected]) => {
    let error: unknown;
    try {
      createRedisSessionStore(options as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toBe(`[auth0-force-password-reset] createRedisSessionStore: ${expected}`);
  });
});
