/** What to do on a machine without Redis. */
export declare const REDIS_MISSING: string;
/** Where `redis-server` is, or `undefined`. */
export declare function findRedisServer(): string | undefined;
/** Whether the Redis tests run here (always in CI; elsewhere when the server is installed). */
export declare function redisTestsRun(): boolean;
/** A Redis server started for tests. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (its data is gone: nothing is saved). */
  stop(): Promise<void>;
}
/** Starts a Redis server on a free loopback port and waits until it answers PING. */
export declare function startRedisServer(): Promise<RedisServer>;
