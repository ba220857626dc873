/**
 * The page's side of a connection's password rules (`src/password/password-rules.ts`): which rules it
 * lists, which profile fields it reads for them, and every rule a new password breaks.
 */
import { PROFILE_FIELDS, type ProfileField, type UserSnapshot } from '../management/management-client.js';
import { loadCommonPasswords } from '../password/common-passwords.js';
import { checkNewPassword, listPasswordRules, MAX_PASSWORD_BYTES, needsOnlyThePassword, utf8Length, type PasswordOwner, type PasswordRule, type PasswordRules } from '../password/password-rules.js';

/**
 * Checked with the profile fields a policy names: `name` split in two is as personal as `name`, and
 * a password holding the family name alone passes Auth0's `name` check.
 */
const ALSO_PERSONAL: readonly string[] = ['given_name', 'family_name'];

/** The connection's rules as the page enforces them: the personal-data rule also covers {@link ALSO_PERSONAL}. */
export function pageRulesOf(rules: PasswordRules): PasswordRules {
  if (rules.profileFields === undefined) return rules;
  return { ...rules, profileFields: [...new Set([...rules.profileFields, ...ALSO_PERSONAL])] };
}

/**
 * The fields to read for the personal-data rule — the root attributes the rule's fields start with,
 * among those the page can read — or `[]` when the rules have none. `email` is read apart (it is shown).
 */
export function profileFieldsToRead(rules: PasswordRules): ProfileField[] {
  const roots = new Set((rules.profileFields ?? []).map((field) => field.split('.')[0]));
  return PROFILE_FIELDS.filter((field) => roots.has(field));
}

/** The owner of the new password, from a read of the user. */
export function ownerOf(user: UserSnapshot): PasswordOwner {
  return { ...user.profile, ...(typeof user.email === 'string' ? { email: user.email } : {}) } as PasswordOwner;
}

/** The rules the page lists: the connection's, and the breach check when it runs one. */
export function rulesShown(rules: PasswordRules, checksBreaches: boolean): PasswordRule[] {
  return [...listPasswordRules(rules), ...(checksBreaches ? [{ id: 'not-breached' } as const] : [])];
}

/**
 * Every rule of `rules` that `password` breaks, the dictionary loaded when they name one. Past 72
 * bytes a password is refused whatever the connection says: Auth0 would keep only 72 of them.
 *
 * @throws (rejects) when the dictionary cannot be loaded: the page then answers it cannot decide.
 */
export async function brokenRules(password: string, rules: PasswordRules, owner: PasswordOwner | undefined): Promise<PasswordRule[]> {
  const list = rules.dictionary?.list;
  const commonPasswords = list === undefined ? undefined : await loadCommonPasswords(list);
  const broken = checkNewPassword(password, rules, { ...(owner === undefined ? {} : { owner }), ...(commonPasswords === undefined ? {} : { commonPasswords }) });
  if (utf8Length(password) > MAX_PASSWORD_BYTES && !broken.some((rule) => rule.id === 'max-bytes')) broken.push({ id: 'max-bytes', max: MAX_PASSWORD_BYTES });
  return broken;
}

/**
 * What the form's script needs to check `rule` as the user types (`data-*` attributes of its item), or
 * `undefined` for a rule only the server can check (the dictionary, the profile, breaches, history).
 */
export function checklistData(rule: PasswordRule): Readonly<Record<string, string | number>> | undefined {
  if (!needsOnlyThePassword(rule)) return undefined;
  switch (rule.id) {
    case 'min-length':
      return { rule: rule.id, min: rule.min };
    case 'character-type':
      return { rule: rule.id, type: rule.type };
    case 'character-types':
      return { rule: rule.id, 'at-least': rule.atLeast, types: rule.types.join(' ') };
    case 'max-bytes':
    case 'no-identical-run':
    case 'no-sequence':
      return { rule: rule.id, max: rule.max };
    default:
      return undefined;
  }
}
