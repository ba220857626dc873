import { checkOptions, integerCheck, required, type OptionChecks } from '../internal/check-options.js';
import { isRecord } from '../obligation/obligation.js';
import type { PageSessionStore } from './session-store.js';

/**
 * One Redis command: its words, as strings; its answer, as the client returns it. The shape every
 * client can be adapted to — `(args) => client.sendCommand(args)` for node-redis,
 * `([name, ...rest]) => client.call(name, ...rest)` for ioredis, or a `fetch` to a REST endpoint such as
 * Upstash's, which takes a command as a JSON array.
 */
export type RedisCommand = (args: readonly string[]) => Promise<unknown>;

/** A node-redis (v4 and later) client: it has `sendCommand(args)`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** An ioredis client (or cluster): it has `call(command, ...args)`. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** Options of {@link createRedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /**
   * A connected node-redis client (`sendCommand`), an ioredis client (`call`), or a function that sends
   * one command and resolves with its answer (`null` for a nil reply).
   */
  client: NodeRedisLike | IoRedisLike | RedisCommand;
  /**
   * What every key starts with, so the page's keys stand apart from the rest of the database.
   * @default 'afpr:page:'
   */
  prefix?: string;
  /**
   * How long one command may take before the store gives up on it and the page fails closed (no
   * password set, "try again"). Clients queue commands while they reconnect, by default for ever:
   * without a limit, a page whose Redis is down would leave users waiting.
   * @default 2000
   */
  timeoutMs?: number;
}

// Each operation is one command, atomic in Redis. A claim is `SET … NX`: only one caller gets "OK".
// Releasing and counting touch a value and its expiry together, so they are short Lua scripts: a
// crash between two commands must not leave a claim behind a spent session, nor a counter that
// never expires.
const RELEASE = "if redis.call('GET', KEYS[1]) == 'claimed' then return redis.call('DEL', KEYS[1]) end return 0";
const COUNT = "local count = redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('PEXPIRE', KEYS[1], ARGV[2]) return count";

const CALLER = 'createRedisSessionStore';
const CLIENT_EXPECTED = 'a node-redis client (sendCommand), an ioredis client (call) or a function (args: string[]) => Promise<unknown>';

/** Whether `value` has a method `name`. */
const hasMethod = (value: unknown, name: string) => isRecord(value) && typeof value[name] === 'function';

const redisStoreChecks: OptionChecks<RedisSessionStoreOptions> = {
  client: required(CLIENT_EXPECTED, (value, report) => {
    if (typeof value !== 'function' && !hasMethod(value, 'call') && !hasMethod(value, 'sendCommand')) report(`must be ${CLIENT_EXPECTED}`, value);
  }),
  prefix: (value, report) => {
    if (typeof value !== 'string') report('must be a string', value);
  },
  timeoutMs: integerCheck(10, 60_000, ' (milliseconds)'),
};

/** The adapter for a client: a function is used as it is. */
function commandOf(client: NodeRedisLike | IoRedisLike | RedisCommand): RedisCommand {
  if (typeof client === 'function') return client;
  // ioredis has a `sendCommand` too, which takes a Command object: `call` first.
  if (hasMethod(client, 'call')) {
    const io = client as IoRedisLike;
    return ([name, ...rest]) => io.call(name as string, ...rest);
  }
  const node = client as NodeRedisLike;
  return (args) => node.sendCommand([...args]);
}

/**
 * A {@link PageSessionStore} on Redis (or Valkey, or any server that speaks its commands), shared by
 * every instance of the page: several Node processes, serverless functions, Workers. Atomic by
 * construction — a claim is `SET key claimed NX PX …`, a count `INCRBY` and `PEXPIRE` in one script —
 * and every key expires with its session. Needs Redis 2.6.12 or later; nothing else.
 *
 * When Redis cannot be reached or does not answer within `timeoutMs`, each method rejects and the page
 * fails closed: no password is set, and the user is asked to try again.
 *
 * @throws OptionsError when `client` is not a client, or `prefix` not a string.
 *
 * @example
 * ```js
 * import { createClient } from 'redis';
 * import { createChangePasswordPage, createRedisSessionStore } from 'auth0-force-password-reset/page';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const page = createChangePasswordPage({ …, sessionStore: createRedisSessionStore({ client: redis }) });
 * ```
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): PageSessionStore {
  const { client, prefix = 'afpr:page:', timeoutMs = 2_000 } = checkOptions(CALLER, redisStoreChecks, options);
  const command = commandOf(client);
  const send = (args: readonly string[]): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer ${args[0] as string} within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([command(args), late]).finally(() => clearTimeout(timer));
  };
  // At least a millisecond: PX refuses 0, and a session that expires now needs no key at all.
  const ttl = (expiresAt: number) => String(Math.max(1, Math.ceil(expiresAt - Date.now())));
  const sessionKey = (key: string) => `${prefix}${key}`;
  const attemptsKey = (key: string) => `${prefix}${key}:attempts`;

  return {
    async claim(key, expiresAt) {
      // Redis answers OK when the key was set, nil when it was there: anything else is no claim (fail closed).
      return (await send(['SET', sessionKey(key), 'claimed', 'NX', 'PX', ttl(expiresAt)])) === 'OK';
    },
    async release(key) {
      await send(['EVAL', RELEASE, '1', sessionKey(key)]);
    },
    async spend(key, expiresAt) {
      await send(['SET', sessionKey(key), 'spent', 'PX', ttl(expiresAt)]);
    },
    async isSpent(key) {
      return (await send(['GET', sessionKey(key)])) === 'spent';
    },
    async countAttempt(key, change, expiresAt) {
      const count = Number(await send(['EVAL', COUNT, '1', attemptsKey(key), String(change), ttl(expiresAt)]));
      if (!Number.isSafeInteger(count)) throw new TypeError('INCRBY answered something other than an integer');
      return count;
    },
  };
}
