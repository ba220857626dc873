/**
 * What the change-password page must remember about each session — the signed link the gate sends a
 * user with — and share between every instance that serves the page: whether a password change is in
 * flight, whether the session is spent, and how many attempts it had. The page keys a session on the
 * SHA-256 of what the link's signature covers, never on the link itself.
 *
 * Every method must be atomic on its own: two instances calling `claim` at the same moment must not
 * both get `true`. The page relies on nothing else — it never reads a value and writes it back.
 *
 * - {@link createMemorySessionStore}: one process (the default).
 * - `createRedisSessionStore`: any number of processes, serverless functions or isolates sharing a Redis.
 * - Your own (a database row with a conditional update, a Durable Object): these five methods.
 */
export interface PageSessionStore {
  /**
   * Takes the session for one password change. `true` for exactly one caller until it is released;
   * `false` for every other — a change is in flight elsewhere, or the session is spent. The claim
   * lasts until `expiresAt` (epoch ms) at most: the page asks for two minutes, or less when the link
   * ends sooner, so that a claim whose request never finished does not hold the link.
   */
  claim(key: string, expiresAt: number): Promise<boolean> | boolean;
  /**
   * Gives back a claim whose change did not happen (Auth0 refused the password, or could not be
   * asked), so the user may try again. Does nothing to a spent session.
   */
  release(key: string): Promise<void> | void;
  /**
   * Spends the session until `expiresAt`: a password was set with it, or it is locked. No claim
   * succeeds after this, and the page shows the link as used.
   */
  spend(key: string, expiresAt: number): Promise<void> | void;
  /** Whether the session is spent. */
  isSpent(key: string): Promise<boolean> | boolean;
  /**
   * Adds `change` (1 before Auth0 is asked or after a refusal of the page's own, −1 to take back an
   * attempt that Auth0 could not answer) to the session's attempts and returns the new count; kept
   * until `expiresAt`.
   */
  countAttempt(key: string, change: 1 | -1, expiresAt: number): Promise<number> | number;
}

/** The methods every store has, for the option check. */
export const SESSION_STORE_METHODS: ReadonlyArray<keyof PageSessionStore> = ['claim', 'release', 'spend', 'isSpent', 'countAttempt'];

/**
 * A {@link PageSessionStore} in this process's memory: right for one process, and the page's
 * default. Entries are dropped once their session has expired.
 *
 * @param now - the clock, epoch milliseconds (tests).
 *
 * @example
 * ```ts
 * const page = createChangePasswordPage({ …, sessionStore: createMemorySessionStore() });
 * ```
 */
export function createMemorySessionStore(now: () => number = Date.now): PageSessionStore {
  const sessions = new Map<string, { state: 'claimed' | 'spent'; expiresAt: number }>();
  const attempts = new Map<string, { count: number; expiresAt: number }>();
  let nextPrune = 0;
  // At most once a second: a busy page must not walk every entry on every request.
  const prune = () => {
    const time = now();
    if (time < nextPrune) return;
    nextPrune = time + 1_000;
    for (const [key, entry] of sessions) if (entry.expiresAt <= time) sessions.delete(key);
    for (const [key, entry] of attempts) if (entry.expiresAt <= time) attempts.delete(key);
  };
  const live = <Entry extends { expiresAt: number }>(entry: Entry | undefined) => (entry !== undefined && entry.expiresAt > now() ? entry : undefined);
  return {
    claim(key, expiresAt) {
      prune();
      if (live(sessions.get(key)) !== undefined) return false;
      sessions.set(key, { state: 'claimed', expiresAt });
      return true;
    },
    release(key) {
      if (sessions.get(key)?.state === 'claimed') sessions.delete(key);
    },
    spend(key, expiresAt) {
      sessions.set(key, { state: 'spent', expiresAt });
    },
    isSpent(key) {
      return live(sessions.get(key))?.state === 'spent';
    },
    countAttempt(key, change, expiresAt) {
      prune();
      const entry = live(attempts.get(key)) ?? { count: 0, expiresAt };
      entry.count += change;
      attempts.set(key, entry);
      return entry.count;
    },
  };
}
