/**
 * Auth0's password policy for database connections (the five "Password Strength" levels, a minimum
 * length and password history), as Auth0 documents it
 * (auth0.com/docs/authenticate/database-connections/password-strength, …/password-options) and as its
 * password-sheriff library implements the levels:
 *
 * | level       | length | composition                                                    |
 * | ----------- | ------ | -------------------------------------------------------------- |
 * | `none`      | 1      | —                                                              |
 * | `low`       | 6      | —                                                              |
 * | `fair`      | 8      | lower case, upper case and digits                              |
 * | `good`      | 8      | three of: lower case, upper case, digits, special characters  |
 * | `excellent` | 10     | as `good`, and no character more than twice in a row           |
 *
 * A minimum length set on the connection replaces the level's. Special characters are ASCII
 * punctuation and the space (OWASP's list); letters outside ASCII count in no class.
 *
 * Pure functions, shared by the local tenant (which enforces the policy) and any page that asks a
 * user for a new password (which checks it first and shows the rules).
 */

/** Auth0's password strength levels (`options.passwordPolicy` of a database connection). */
export type PasswordStrength = 'none' | 'low' | 'fair' | 'good' | 'excellent';

/** The password policy of a database connection. */
export interface PasswordPolicy {
  /** The strength level. */
  readonly passwordPolicy: PasswordStrength;
  /** A minimum length that replaces the level's (`options.password_complexity_options.min_length`). */
  readonly minLength?: number;
  /**
   * How many of the user's latest passwords may not be used again; absent when password history is
   * off (`options.password_history`).
   */
  readonly passwordHistorySize?: number;
}

/**
 * The password settings in `options` of a database connection, as `GET /api/v2/connections/{id}`
 * returns them (only to a token with `read:connections_options`). Auth0's casing is mixed on purpose.
 */
export interface Auth0PasswordOptions {
  passwordPolicy?: PasswordStrength | null;
  password_complexity_options?: { min_length?: number } | null;
  password_history?: { enable: boolean; size?: number } | null;
}

/**
 * The {@link PasswordPolicy} in a connection's `options`. A missing or unknown level reads as
 * `none`, as Auth0 treats it.
 *
 * @example
 * ```ts
 * passwordPolicyFromOptions({ passwordPolicy: 'good', password_history: { enable: true, size: 5 } });
 * // { passwordPolicy: 'good', passwordHistorySize: 5 }
 * ```
 */
export function passwordPolicyFromOptions(options: Auth0PasswordOptions | null | undefined): PasswordPolicy {
  const level = options?.passwordPolicy;
  const minLength = options?.password_complexity_options?.min_length;
  const history = options?.password_history;
  return {
    passwordPolicy: level !== null && level !== undefined && PASSWORD_STRENGTHS.includes(level) ? level : 'none',
    ...(typeof minLength === 'number' ? { minLength } : {}),
    ...(history?.enable === true ? { passwordHistorySize: history.size ?? 5 } : {}),
  };
}

/** Every strength level, weakest first. */
export const PASSWORD_STRENGTHS: readonly PasswordStrength[] = ['none', 'low', 'fair', 'good', 'excellent'];

const LEVELS: Readonly<Record<PasswordStrength, { readonly length: number; readonly classes: 0 | 3 | 'all'; readonly noTriples: boolean }>> = {
  none: { length: 1, classes: 0, noTriples: false },
  low: { length: 6, classes: 0, noTriples: false },
  fair: { length: 8, classes: 'all', noTriples: false },
  good: { length: 8, classes: 3, noTriples: false },
  excellent: { length: 10, classes: 3, noTriples: true },
};

const CLASSES = [
  { name: 'lower case letters (a-z)', pattern: /[a-z]/ },
  { name: 'upper case letters (A-Z)', pattern: /[A-Z]/ },
  { name: 'numbers (0-9)', pattern: /\d/ },
  { name: 'special characters (e.g. !@#$%^&*)', pattern: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/ },
] as const;
// `fair` asks for the first three classes, all of them.
const FAIR_CLASSES = CLASSES.slice(0, 3);

/** The minimum length `policy` asks for. */
export function minimumLength(policy: PasswordPolicy): number {
  return policy.minLength ?? LEVELS[policy.passwordPolicy].length;
}

/**
 * The rules of `policy`, in words, as a page that asks for a new password would show them.
 *
 * @example
 * ```ts
 * describePasswordPolicy({ passwordPolicy: 'good' });
 * // ['At least 8 characters', 'At least 3 of the following 4 types of characters: lower case letters (a-z), …']
 * ```
 */
export function describePasswordPolicy(policy: PasswordPolicy): string[] {
  const level = LEVELS[policy.passwordPolicy];
  const rules = [`At least ${minimumLength(policy)} characters`];
  if (level.classes === 'all') rules.push(`Contains ${FAIR_CLASSES.map(({ name }) => name).join(', ')}`);
  if (level.classes === 3) rules.push(`At least 3 of the following 4 types of characters: ${CLASSES.map(({ name }) => name).join(', ')}`);
  if (level.noTriples) rules.push('No more than 2 identical characters in a row (e.g., "aaa" not allowed)');
  return rules;
}

/** The first rule of `policy`'s strength and length that `password` breaks, or `undefined`. */
export function strengthProblem(password: string, policy: PasswordPolicy): string | undefined {
  const level = LEVELS[policy.passwordPolicy];
  const [lengthRule, compositionRule, triplesRule] = describePasswordPolicy(policy);
  if (password.length < minimumLength(policy)) return lengthRule;
  if (level.classes === 'all' && !FAIR_CLASSES.every(({ pattern }) => pattern.test(password))) return compositionRule;
  if (level.classes === 3 && CLASSES.filter(({ pattern }) => pattern.test(password)).length < 3) return compositionRule;
  if (level.noTriples && /(.)\1\1/su.test(password)) return triplesRule;
  return undefined;
}

/**
 * Checks a policy given to the local tenant, naming the field at fault.
 *
 * @returns the problem, or `undefined` when the policy is well-formed.
 */
export function passwordPolicyProblem(policy: Partial<Record<keyof PasswordPolicy, unknown>>): string | undefined {
  const { passwordPolicy, minLength, passwordHistorySize } = policy;
  if (passwordPolicy !== undefined && !PASSWORD_STRENGTHS.includes(passwordPolicy as PasswordStrength)) {
    return `"passwordPolicy" must be one of ${PASSWORD_STRENGTHS.map((level) => `"${level}"`).join(', ')} (got ${JSON.stringify(passwordPolicy)})`;
  }
  // Auth0 takes 1 to 72 (bcrypt's limit) for the minimum length, and at most 24 passwords of history.
  if (minLength !== undefined && !(Number.isSafeInteger(minLength) && (minLength as number) >= 1 && (minLength as number) <= 72)) {
    return `"minLength" must be an integer from 1 to 72 (got ${JSON.stringify(minLength)})`;
  }
  if (
    passwordHistorySize !== undefined &&
    !(Number.isSafeInteger(passwordHistorySize) && (passwordHistorySize as number) >= 1 && (passwordHistorySize as number) <= 24)
  ) {
    return `"passwordHistorySize" must be an integer from 1 to 24 (got ${JSON.stringify(passwordHistorySize)})`;
  }
  return undefined;
}
