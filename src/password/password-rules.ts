/**
 * The rules a new password must meet on a database connection, whichever of Auth0's two shapes set
 * them (`src/auth0/password-policy.ts`): read, listed, and checked.
 *
 * How Auth0 counts and compares, as its password-sheriff library does (github.com/auth0/password-sheriff,
 * `lib/rules/*`, the rules behind both the legacy levels and the Flexible Password Policy):
 * - length is in UTF-16 code units, JavaScript's `password.length` (`😀` counts 2);
 * - the 72-byte limit is in UTF-8 bytes (`é` counts 2, `日` 3, `😀` 4);
 * - character types are ASCII only: `a-z`, `A-Z`, `0-9`, and OWASP's special characters (ASCII
 *   punctuation and the space) — `é` or `日` count in no type;
 * - "identical" is the same UTF-16 unit more than twice in a row; "sequential" is three or more ASCII
 *   letters or digits whose codes go up or down by one (`abc`, `CBA`, `789`, `321`), any other
 *   character breaking the run;
 * - the dictionary compares the whole password, case-insensitively
 *   (auth0.com/docs/authenticate/database-connections/password-options);
 * - personal data: the password may not contain, case-insensitively, a field of the user's profile —
 *   for `email` its local part (before the `@`).
 *
 * Pure functions, shared by the page (which checks a new password first and says why in words) and
 * the local tenant (which refuses what Auth0 would).
 */
import type { Auth0PasswordOptions, CharacterType, CommonPasswordList, PasswordStrength } from '../auth0/password-policy.js';

/** The rules of a connection, in one shape whichever of Auth0's set them. */
export interface PasswordRules {
  /** Which of Auth0's shapes they come from: `password_options` is the Flexible Password Policy. */
  readonly shape: 'legacy' | 'flexible';
  /** At least this many characters (UTF-16 code units). */
  readonly minLength: number;
  /** Character types the password must contain… */
  readonly characterTypes: readonly CharacterType[];
  /** …`all` of them, or three of the four. */
  readonly characterTypeRule: 'all' | 'three_of_four';
  /** `block`: no three identical characters in a row. */
  readonly identicalCharacters: 'allow' | 'block';
  /** `block`: no three sequential letters or digits. */
  readonly sequentialCharacters: 'allow' | 'block';
  /** Past {@link MAX_PASSWORD_BYTES}: Auth0 keeps the first 72 bytes, or refuses the password. */
  readonly maxLengthExceeded: 'truncate' | 'error';
  /** Password history: how many latest passwords may not be used again. Only Auth0 can check it. */
  readonly historySize?: number;
  /** The dictionary: a list Auth0 ships, and entries of the tenant's own (lower-cased). */
  readonly dictionary?: { readonly list?: CommonPasswordList; readonly custom: readonly string[] };
  /** Profile fields the password may not contain (`email` means its local part). */
  readonly profileFields?: readonly string[];
}

/** One rule, as data: an id and its parameters, so that a page can say it in any language. */
export type PasswordRule =
  | { readonly id: 'min-length'; readonly min: number }
  | { readonly id: 'max-bytes'; readonly max: number }
  /** One type the password must contain (`character_type_rule: 'all'`: one rule per type). */
  | { readonly id: 'character-type'; readonly type: CharacterType }
  /** At least `atLeast` of `types` (`three_of_four`). */
  | { readonly id: 'character-types'; readonly atLeast: number; readonly types: readonly CharacterType[] }
  | { readonly id: 'no-identical-run'; readonly max: number }
  | { readonly id: 'no-sequence'; readonly max: number }
  | { readonly id: 'not-common' }
  | { readonly id: 'no-profile-data' }
  | { readonly id: 'not-recent'; readonly size: number }
  /** Not in a known breach (`src/password/breached-passwords.ts`): not part of a connection's policy. */
  | { readonly id: 'not-breached' };

/** The id of a {@link PasswordRule}. */
export type PasswordRuleId = PasswordRule['id'];

/**
 * The user whose new password it is, as Auth0's user profile shapes it: the fields below, and any
 * other a policy names (`phone_number`, `user_metadata.first`, …), read by name. Only strings count.
 */
export interface PasswordOwner {
  readonly email?: string;
  readonly name?: string;
  readonly nickname?: string;
  readonly username?: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly phone_number?: string;
  readonly user_metadata?: Readonly<Record<string, unknown>>;
}

/** A common-password list, loaded (`loadCommonPasswords`). */
export interface CommonPasswords {
  /** Which list it is: `en_100k` holds `en_10k`. */
  readonly list: CommonPasswordList;
  /**
   * Whether `password` is on `list` (this one unless a smaller one it holds is named), compared
   * case-insensitively.
   */
  has(password: string, list?: CommonPasswordList): boolean;
}

/** What {@link checkNewPassword} may need besides the password. */
export interface PasswordCheckContext {
  /** The user, for the personal-data rule; without it that rule is not checked. */
  readonly owner?: PasswordOwner;
  /** The list the rules' dictionary names, loaded: required when they name one. */
  readonly commonPasswords?: CommonPasswords;
}

/** bcrypt, which Auth0 uses, reads 72 bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;
/** Auth0's runs: two identical or sequential characters are fine, three are not. */
const MAX_RUN = 2;
/** Auth0's default history size, shown (disabled) on every legacy connection. */
const DEFAULT_HISTORY_SIZE = 5;
const ALL_TYPES: readonly CharacterType[] = ['lowercase', 'uppercase', 'number', 'special'];
/** The fields the legacy `password_no_personal_info` blocks (auth0.com/docs/…/password-options). */
const LEGACY_PROFILE_FIELDS: readonly string[] = ['name', 'username', 'nickname', 'email', 'user_metadata.name', 'user_metadata.first', 'user_metadata.last'];

/** What each legacy level asks (password-sheriff's `index.js`). */
const LEVELS: Readonly<Record<PasswordStrength, Pick<PasswordRules, 'minLength' | 'characterTypes' | 'characterTypeRule' | 'identicalCharacters'>>> = {
  none: { minLength: 1, characterTypes: [], characterTypeRule: 'all', identicalCharacters: 'allow' },
  low: { minLength: 6, characterTypes: [], characterTypeRule: 'all', identicalCharacters: 'allow' },
  fair: { minLength: 8, characterTypes: ['lowercase', 'uppercase', 'number'], characterTypeRule: 'all', identicalCharacters: 'allow' },
  good: { minLength: 8, characterTypes: ALL_TYPES, characterTypeRule: 'three_of_four', identicalCharacters: 'allow' },
  excellent: { minLength: 10, characterTypes: ALL_TYPES, characterTypeRule: 'three_of_four', identicalCharacters: 'block' },
};

const lowerCased = (entries: readonly unknown[] | undefined): string[] =>
  (entries ?? []).filter((entry): entry is string => typeof entry === 'string' && entry !== '').map((entry) => entry.toLowerCase());

/**
 * The rules in a database connection's `options`, in either of Auth0's shapes. With
 * `password_options` present, the legacy keys are ignored, as Auth0 ignores them. A missing or
 * unknown legacy level reads as `none`; a part of `password_options` that is missing reads as its
 * rules switched off.
 *
 * @example
 * ```ts
 * passwordRulesFromConnection({ passwordPolicy: 'good', password_dictionary: { enable: true } });
 * // { shape: 'legacy', minLength: 8, characterTypes: [4 types], characterTypeRule: 'three_of_four', …, dictionary: { list: 'en_10k', custom: [] } }
 * ```
 */
export function passwordRulesFromConnection(options: Auth0PasswordOptions | null | undefined): PasswordRules {
  const flexible = options?.password_options;
  if (flexible !== null && flexible !== undefined) {
    const { complexity = {}, history, dictionary, profile_data: profileData } = flexible;
    return {
      shape: 'flexible',
      minLength: complexity.min_length ?? 1,
      characterTypes: complexity.character_types ?? [],
      characterTypeRule: complexity.character_type_rule ?? 'all',
      identicalCharacters: complexity.identical_characters ?? 'allow',
      sequentialCharacters: complexity.sequential_characters ?? 'allow',
      maxLengthExceeded: complexity.max_length_exceeded ?? 'truncate',
      ...(history?.active === true ? { historySize: history.size ?? DEFAULT_HISTORY_SIZE } : {}),
      ...(dictionary?.active === true ? { dictionary: { list: dictionary.default ?? 'en_10k', custom: lowerCased(dictionary.custom) } } : {}),
      ...(profileData?.active === true
        ? { profileFields: profileData.blocked_fields === undefined || profileData.blocked_fields.length === 0 ? LEGACY_PROFILE_FIELDS : profileData.blocked_fields }
        : {}),
    };
  }
  const level = options?.passwordPolicy;
  const known = level !== null && level !== undefined && Object.hasOwn(LEVELS, level) ? LEVELS[level] : LEVELS.none;
  const minLength = options?.password_complexity_options?.min_length;
  const { password_history: history, password_dictionary: dictionary, password_no_personal_info: personalInfo } = options ?? {};
  return {
    shape: 'legacy',
    ...known,
    // A minimum length set on the connection replaces the level's.
    ...(typeof minLength === 'number' ? { minLength } : {}),
    sequentialCharacters: 'allow',
    // The legacy policies silently keep the first 72 bytes (the Flexible Password Policy's page says so).
    maxLengthExceeded: 'truncate',
    ...(history?.enable === true ? { historySize: history.size ?? DEFAULT_HISTORY_SIZE } : {}),
    ...(dictionary?.enable === true ? { dictionary: { list: 'en_10k' as const, custom: lowerCased(dictionary.dictionary) } } : {}),
    ...(personalInfo?.enable === true ? { profileFields: LEGACY_PROFILE_FIELDS } : {}),
  };
}

/**
 * Every rule of `rules`, in the order a page lists them: what the password is made of first, then what
 * it may not be. Rules only Auth0 can check (`not-recent`) are listed too, for the user to know.
 *
 * @example
 * ```ts
 * listPasswordRules(passwordRulesFromConnection({ passwordPolicy: 'fair' }));
 * // [{ id: 'min-length', min: 8 }, { id: 'character-type', type: 'lowercase' }, …uppercase, …number]
 * ```
 */
export function listPasswordRules(rules: PasswordRules): PasswordRule[] {
  const list: PasswordRule[] = [{ id: 'min-length', min: rules.minLength }];
  if (rules.maxLengthExceeded === 'error') list.push({ id: 'max-bytes', max: MAX_PASSWORD_BYTES });
  if (rules.characterTypeRule === 'three_of_four' && rules.characterTypes.length > 0) {
    list.push({ id: 'character-types', atLeast: Math.min(3, rules.characterTypes.length), types: rules.characterTypes });
  } else {
    for (const type of rules.characterTypes) list.push({ id: 'character-type', type });
  }
  if (rules.identicalCharacters === 'block') list.push({ id: 'no-identical-run', max: MAX_RUN });
  if (rules.sequentialCharacters === 'block') list.push({ id: 'no-sequence', max: MAX_RUN });
  if (rules.dictionary !== undefined) list.push({ id: 'not-common' });
  if (rules.profileFields !== undefined) list.push({ id: 'no-profile-data' });
  if (rules.historySize !== undefined) list.push({ id: 'not-recent', size: rules.historySize });
  return list;
}

/**
 * Whether a rule can be checked with the password alone — as the user types, in the browser; the
 * others need the user's profile, the dictionary, the breach check or Auth0.
 */
export function needsOnlyThePassword(rule: PasswordRule): boolean {
  return ['min-length', 'max-bytes', 'character-type', 'character-types', 'no-identical-run', 'no-sequence'].includes(rule.id);
}

/**
 * Every rule of `rules` that `password` breaks, in the order of {@link listPasswordRules}; `[]` when it
 * meets them all. Rules only Auth0 can check (`not-recent`) are never reported here; the personal-data
 * rule only with `context.owner`.
 *
 * @throws Error when `rules` names a common-password list and `context.commonPasswords` is not that
 * list, loaded: a programming error, which a page must not turn into "your password is too common".
 *
 * @example
 * ```ts
 * const rules = passwordRulesFromConnection({ password_options: { complexity: { min_length: 12, sequential_characters: 'block' } } });
 * checkNewPassword('abc123', rules); // [{ id: 'min-length', min: 12 }, { id: 'no-sequence', max: 2 }]
 * ```
 */
export function checkNewPassword(password: string, rules: PasswordRules, context: PasswordCheckContext = {}): PasswordRule[] {
  const list = rules.dictionary?.list;
  if (list !== undefined && (context.commonPasswords === undefined || !covers(context.commonPasswords.list, list))) {
    throw new Error(`[auth0-force-password-reset] checkNewPassword: the rules name the ${list} list: load it with loadCommonPasswords('${list}') and pass it as context.commonPasswords`);
  }
  return listPasswordRules(rules).filter((rule) => breaks(password, rule, rules, context));
}

/** The 100,000 list holds the 10,000 one. */
const covers = (loaded: CommonPasswordList, wanted: CommonPasswordList): boolean => loaded === wanted || loaded === 'en_100k';

function breaks(password: string, rule: PasswordRule, rules: PasswordRules, context: PasswordCheckContext): boolean {
  switch (rule.id) {
    case 'min-length':
      return password.length < rule.min;
    case 'max-bytes':
      return utf8Length(password) > rule.max;
    case 'character-type':
      return !hasCharacterType(password, rule.type);
    case 'character-types':
      return rule.types.filter((type) => hasCharacterType(password, type)).length < rule.atLeast;
    case 'no-identical-run':
      return longestIdenticalRun(password) > rule.max;
    case 'no-sequence':
      return longestSequence(password) > rule.max;
    case 'not-common': {
      const lower = password.toLowerCase();
      const { list, custom = [] } = rules.dictionary ?? {};
      return custom.includes(lower) || (list !== undefined && context.commonPasswords !== undefined && context.commonPasswords.has(lower, list));
    }
    case 'no-profile-data':
      return context.owner !== undefined && containsProfileData(password, context.owner, rules.profileFields ?? []);
    case 'not-recent':
    case 'not-breached':
      return false;
  }
}

// OWASP's special characters, as password-sheriff lists them: ASCII punctuation and the space.
const CHARACTER_TYPES: Readonly<Record<CharacterType, RegExp>> = {
  lowercase: /[a-z]/,
  uppercase: /[A-Z]/,
  number: /[0-9]/,
  special: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/,
};

/** Whether `password` contains a character of `type`. */
function hasCharacterType(password: string, type: CharacterType): boolean {
  return CHARACTER_TYPES[type].test(password);
}

/** The length of `text` in UTF-8 bytes (a lone surrogate counts 3, as it is sent as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The longest run of one UTF-16 unit repeated. */
function longestIdenticalRun(password: string): number {
  let longest = 0;
  let run = 0;
  for (let index = 0; index < password.length; index += 1) {
    run = index > 0 && password[index] === password[index - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

const isAsciiAlphanumeric = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/**
 * The longest run of ASCII letters or digits going up or down by one (`abc`, `321`), counted exactly
 * as password-sheriff's `sequentialChars` counts it: a character other than a letter or digit ends a
 * run, yet the step *into* the next letter or digit is measured from it — so `/01` (codes 47, 48, 49)
 * is a run of three there, and here.
 */
function longestSequence(password: string): number {
  let run = password.length > 0 && isAsciiAlphanumeric(password.charCodeAt(0)) ? 1 : 0;
  let longest = run;
  let direction = 0;
  for (let index = 1; index < password.length; index += 1) {
    const code = password.charCodeAt(index);
    if (!isAsciiAlphanumeric(code)) {
      run = 0;
      direction = 0;
      continue;
    }
    const step = code - password.charCodeAt(index - 1);
    if (step === 1 || step === -1) {
      run = step === direction ? run + 1 : 2;
      direction = step;
    } else {
      run = 1;
      direction = 0;
    }
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The value of a profile field, `a.b` reading into objects; `email` is its local part. */
function profileValue(owner: PasswordOwner, field: string): string | undefined {
  let value: unknown = owner;
  for (const key of field.split('.')) {
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return field === 'email' ? value.slice(0, value.lastIndexOf('@') === -1 ? value.length : value.lastIndexOf('@')) : value;
}

function containsProfileData(password: string, owner: PasswordOwner, fields: readonly string[]): boolean {
  const lower = password.toLowerCase();
  return fields.some((field) => {
    const value = profileValue(owner, field);
    return value !== undefined && value !== '' && lower.includes(value.toLowerCase());
  });
}
