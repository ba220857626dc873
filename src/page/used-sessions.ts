/**
 * Where the change-password page remembers session tokens that must not be used again, and how
 * many failed attempts each has had. Keys are digests of the tokens, never the tokens.
 *
 * The default keeps them in memory, which is right for one process. Run the page on several
 * instances (or a serverless platform) and give it a shared store — Redis, a database table, a
 * Workers KV namespace — with the same three methods.
 */
export interface UsedSessionStore {
  /** Whether the session was used up (a password was set with it). */
  isUsed(key: string): Promise<boolean> | boolean;
  /** Marks the session used until `expiresAt` (epoch ms), after which it is invalid anyway. */
  markUsed(key: string, expiresAt: number): Promise<void> | void;
  /** Adds one failed attempt and returns how many there are now; kept until `expiresAt`. */
  countFailure(key: string, expiresAt: number): Promise<number> | number;
}

/**
 * An in-memory {@link UsedSessionStore}: entries are dropped once their session has expired.
 *
 * @example
 * ```ts
 * const page = createChangePasswordPage({ …, usedSessions: createMemorySessionStore() });
 * ```
 */
export function createMemorySessionStore(now: () => number = () => Date.now()): UsedSessionStore {
  const used = new Map<string, number>();
  const failures = new Map<string, { count: number; expiresAt: number }>();
  const prune = () => {
    const time = now();
    for (const [key, expiresAt] of used) if (expiresAt <= time) used.delete(key);
    for (const [key, entry] of failures) if (entry.expiresAt <= time) failures.delete(key);
  };
  return {
    isUsed(key) {
      prune();
      return used.has(key);
    },
    markUsed(key, expiresAt) {
      used.set(key, expiresAt);
    },
    countFailure(key, expiresAt) {
      prune();
      const entry = failures.get(key) ?? { count: 0, expiresAt };
      entry.count += 1;
      failures.set(key, entry);
      return entry.count;
    },
  };
}
