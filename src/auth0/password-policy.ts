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
 * Only the types live here. What the rules mean — read, listed and checked — is in
 * `src/password/password-rules.ts`; the functions below are the page's 0.1 interface to them.
 */
import { checkNewPassword, listPasswordRules, passwordRulesFromConnection, type PasswordRule, type PasswordRules } from '../password/password-rules.js';

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

/** The same policy in Auth0's shape. */
function toOptions(policy: PasswordPolicy): Auth0PasswordOptions {
  return {
    passwordPolicy: policy.passwordPolicy,
    ...(policy.minLength === undefined ? {} : { password_complexity_options: { min_length: policy.minLength } }),
  };
}

const rulesOf = (policy: PasswordPolicy): PasswordRules => passwordRulesFromConnection(toOptions(policy));

/** The minimum length `policy` asks for. */
export function minimumLength(policy: PasswordPolicy): number {
  return rulesOf(policy).minLength;
}

// The words of 0.1's page, kept until the page says the rules in the user's language
// (src/password/password-texts.ts has the wording that replaces them).
const CLASS_NAMES = {
  lowercase: 'lower case letters (a-z)',
  uppercase: 'upper case letters (A-Z)',
  number: 'numbers (0-9)',
  special: 'special characters (e.g. !@#$%^&*)',
} as const;

function legacyWording(rule: PasswordRule, rules: PasswordRules): string {
  switch (rule.id) {
    case 'min-length':
      return `At least ${rule.min} characters`;
    case 'character-type':
      return `Contains ${rules.characterTypes.map((type) => CLASS_NAMES[type]).join(', ')}`;
    case 'character-types':
      return `At least ${rule.atLeast} of the following ${rule.types.length} types of characters: ${rule.types.map((type) => CLASS_NAMES[type]).join(', ')}`;
    case 'no-identical-run':
      return `No more than ${rule.max} identical characters in a row (e.g., "aaa" not allowed)`;
    default:
      return rule.id;
  }
}

/**
 * The rules of `policy`'s strength and length, in words, as 0.1's page shows them.
 *
 * @example
 * ```ts
 * describePasswordPolicy({ passwordPolicy: 'good' });
 * // ['At least 8 characters', 'At least 3 of the following 4 types of characters: lower case letters (a-z), …']
 * ```
 */
export function describePasswordPolicy(policy: PasswordPolicy): string[] {
  const rules = rulesOf(policy);
  const wording = listPasswordRules(rules).map((rule) => legacyWording(rule, rules));
  // `fair` lists its three classes as one rule.
  return [...new Set(wording)];
}

/** The first rule of `policy`'s strength and length that `password` breaks, or `undefined`. */
export function strengthProblem(password: string, policy: PasswordPolicy): string | undefined {
  const rules = rulesOf(policy);
  const [broken] = checkNewPassword(password, rules);
  return broken === undefined ? undefined : legacyWording(broken, rules);
}
