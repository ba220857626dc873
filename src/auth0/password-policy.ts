/**
 * Auth0's password policy for database connections, in the two shapes `GET /api/v2/connections/{id}`
 * returns in `options` (only to a token with `read:connections_options`):
 *
 * - the legacy shape: a strength level (`passwordPolicy`), `password_complexity_options`,
 *   `password_history`, `password_dictionary` and `password_no_personal_info`
 *   (auth0.com/docs/authenticate/database-connections/password-options, …/password-strength);
 * - the Flexible Password Policy: one `password_options` object that, once present, makes Auth0
 *   ignore the legacy keys (auth0.com/docs/authenticate/database-connections/flexible-password-policy).
 *   Field names and limits as in the Management API's schema, which the `auth0` SDK (v7) types as
 *   `ConnectionPasswordOptions`.
 *
 * Only the types live here, and the legacy summary the local tenant reports. What the rules mean —
 * read, listed and checked — is in `src/password/password-rules.ts`.
 */

/** Auth0's password strength levels (`options.passwordPolicy` of a database connection). */
export type PasswordStrength = 'none' | 'low' | 'fair' | 'good' | 'excellent';

/** Every strength level, weakest first. */
export const PASSWORD_STRENGTHS: readonly PasswordStrength[] = ['none', 'low', 'fair', 'good', 'excellent'];

/** The character types of the Flexible Password Policy (`complexity.character_types`). */
export type CharacterType = 'lowercase' | 'uppercase' | 'number' | 'special';

/** The common-password lists Auth0 ships (`dictionary.default`). */
export type CommonPasswordList = 'en_10k' | 'en_100k';

/**
 * The Flexible Password Policy: `options.password_options` of a database connection. Every part is
 * optional; a part Auth0 leaves out reads as its rules switched off.
 *
 * @example
 * ```ts
 * // Auth0's documented example: no reuse of the last 5 passwords, no word of the 10,000 list, nor two more.
 * const options: FlexiblePasswordOptions = {
 *   history: { active: true, size: 5 },
 *   dictionary: { active: true, default: 'en_10k', custom: ['badPassword', 'reallyBadPassword'] },
 * };
 * ```
 */
export interface FlexiblePasswordOptions {
  /** Composition rules. */
  complexity?: {
    /** Minimum length in characters, 1 to 72. */
    min_length?: number;
    /** Character types the password must contain. */
    character_types?: CharacterType[];
    /** `all` of `character_types`, or `three_of_four` (only with all four types listed). */
    character_type_rule?: 'all' | 'three_of_four';
    /** `block`: no three identical characters in a row (`000`). */
    identical_characters?: 'allow' | 'block';
    /** `block`: no three sequential letters or digits (`abc`, `321`). */
    sequential_characters?: 'allow' | 'block';
    /** Past 72 bytes: keep only the first 72 (`truncate`) or refuse the password (`error`). */
    max_length_exceeded?: 'truncate' | 'error';
  };
  /** Password history: the last `size` passwords (1 to 24) may not be used again. */
  history?: { active?: boolean; size?: number };
  /** The common-password list, plus up to 200 entries of your own (each at most 50 characters). */
  dictionary?: { active?: boolean; default?: CommonPasswordList; custom?: string[] };
  /** No profile data in the password: up to 12 fields of the user's profile (each at most 100 characters). */
  profile_data?: { active?: boolean; blocked_fields?: string[] };
}

/**
 * The password settings in `options` of a database connection, as `GET /api/v2/connections/{id}`
 * returns them, in either shape. Auth0's casing is mixed on purpose.
 *
 * @example
 * ```ts
 * const legacy: Auth0PasswordOptions = { passwordPolicy: 'good', password_history: { enable: true, size: 5 } };
 * const flexible: Auth0PasswordOptions = { password_options: { complexity: { min_length: 12 } } };
 * ```
 */
export interface Auth0PasswordOptions {
  /** Legacy: the strength level. */
  passwordPolicy?: PasswordStrength | null;
  /** Legacy: a minimum length (1 to 72) that replaces the level's. */
  password_complexity_options?: { min_length?: number } | null;
  /** Legacy: password history. */
  password_history?: { enable: boolean; size?: number } | null;
  /** Legacy: the 10,000 common passwords, plus up to 200 entries of your own. */
  password_dictionary?: { enable: boolean; dictionary?: string[] } | null;
  /** Legacy: no name, user name, nickname or email local part in the password. */
  password_no_personal_info?: { enable: boolean } | null;
  /** The Flexible Password Policy; when present, Auth0 ignores the legacy keys. */
  password_options?: FlexiblePasswordOptions | null;
}

/**
 * The legacy password policy of a database connection, as the local tenant's
 * `connections.passwordPolicyOf` reports it.
 */
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
