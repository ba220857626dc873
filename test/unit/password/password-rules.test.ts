import { describe, expect, it } from 'vitest';
import type { Auth0PasswordOptions, FlexiblePasswordOptions } from '../../../src/auth0/password-policy.js';
import { isInSortedWords, loadCommonPasswords } from '../../../src/password/common-passwords.js';
import {
  checkNewPassword,
  listPasswordRules,
  needsOnlyThePassword,
  passwordRulesFromConnection,
  utf8Length,
  type PasswordCheckContext,
  type PasswordRuleId,
} from '../../../src/password/password-rules.js';

const flexible = (options: FlexiblePasswordOptions) => passwordRulesFromConnection({ password_options: options });
const complexity = (options: NonNullable<FlexiblePasswordOptions['complexity']>) => flexible({ complexity: options });
/** The ids of the rules `password` breaks. */
const broken = (password: string, options: Auth0PasswordOptions, context: PasswordCheckContext = {}): PasswordRuleId[] =>
  checkNewPassword(password, passwordRulesFromConnection(options), context).map((rule) => rule.id);
const brokenFlexible = (password: string, options: FlexiblePasswordOptions, context: PasswordCheckContext = {}) =>
  broken(password, { password_options: options }, context);

describe('reading a connection’s options', () => {
  it('reads Auth0’s documented legacy example and its Flexible Password Policy twin as the same rules', () => {
    // auth0.com/docs/authenticate/database-connections/flexible-password-policy: "both prevent users from
    // using their five most recent passwords, any words in the 10,000 common words list, or the additional
    // entries badPassword and reallyBadPassword".
    const legacy = passwordRulesFromConnection({
      password_history: { enable: true, size: 5 },
      password_dictionary: { enable: true, dictionary: ['badPassword', 'reallyBadPassword'] },
    });
    const twin = flexible({
      history: { active: true, size: 5 },
      dictionary: { active: true, default: 'en_10k', custom: ['badPassword', 'reallyBadPassword'] },
    });
    expect(listPasswordRules(legacy)).toEqual([{ id: 'min-length', min: 1 }, { id: 'not-common' }, { id: 'not-recent', size: 5 }]);
    expect(listPasswordRules(twin)).toEqual(listPasswordRules(legacy));
    expect(legacy.dictionary).toEqual({ list: 'en_10k', custom: ['badpassword', 'reallybadpassword'] });
    expect(twin.dictionary).toEqual(legacy.dictionary);
  });

  it('ignores the legacy keys once password_options is there, as Auth0 does', () => {
    const rules = passwordRulesFromConnection({ passwordPolicy: 'excellent', password_history: { enable: true }, password_options: { complexity: { min_length: 4 } } });
    expect(rules.shape).toBe('flexible');
    expect(listPasswordRules(rules)).toEqual([{ id: 'min-length', min: 4 }]);
  });

  it('reads each legacy level as password-sheriff defines it, a connection’s minimum length replacing the level’s', () => {
    const rulesOf = (options: Auth0PasswordOptions) => listPasswordRules(passwordRulesFromConnection(options));
    expect(rulesOf({ passwordPolicy: 'none' })).toEqual([{ id: 'min-length', min: 1 }]);
    expect(rulesOf({ passwordPolicy: 'low' })).toEqual([{ id: 'min-length', min: 6 }]);
    expect(rulesOf({ passwordPolicy: 'fair' })).toEqual([
      { id: 'min-length', min: 8 },
      { id: 'character-type', type: 'lowercase' },
      { id: 'character-type', type: 'uppercase' },
      { id: 'character-type', type: 'number' },
    ]);
    const fourTypes = { id: 'character-types', atLeast: 3, types: ['lowercase', 'uppercase', 'number', 'special'] };
    expect(rulesOf({ passwordPolicy: 'good' })).toEqual([{ id: 'min-length', min: 8 }, fourTypes]);
    expect(rulesOf({ passwordPolicy: 'excellent', password_complexity_options: { min_length: 14 } })).toEqual([
      { id: 'min-length', min: 14 },
      fourTypes,
      { id: 'no-identical-run', max: 2 },
    ]);
    expect(rulesOf({ passwordPolicy: null })).toEqual(rulesOf({ passwordPolicy: 'none' }));
    expect(rulesOf({ passwordPolicy: 'strong' as never })).toEqual(rulesOf({ passwordPolicy: 'none' }));
    // Legacy policies silently keep 72 bytes: no rule refuses a longer password.
    expect(passwordRulesFromConnection({ passwordPolicy: 'good' }).maxLengthExceeded).toBe('truncate');
  });

  it('lists every rule of a full Flexible Password Policy, in order, and says which need only the password', () => {
    const rules = flexible({
      complexity: {
        min_length: 12,
        character_types: ['uppercase', 'number'],
        character_type_rule: 'all',
        identical_characters: 'block',
        sequential_characters: 'block',
        max_length_exceeded: 'error',
      },
      history: { active: true, size: 24 },
      dictionary: { active: true, default: 'en_100k' },
      profile_data: { active: true, blocked_fields: ['phone_number'] },
    });
    const listed = listPasswordRules(rules);
    expect(listed).toEqual([
      { id: 'min-length', min: 12 },
      { id: 'max-bytes', max: 72 },
      { id: 'character-type', type: 'uppercase' },
      { id: 'character-type', type: 'number' },
      { id: 'no-identical-run', max: 2 },
      { id: 'no-sequence', max: 2 },
      { id: 'not-common' },
      { id: 'no-profile-data' },
      { id: 'not-recent', size: 24 },
    ]);
    expect(listed.filter(needsOnlyThePassword).map((rule) => rule.id)).toEqual([
      'min-length',
      'max-bytes',
      'character-type',
      'character-type',
      'no-identical-run',
      'no-sequence',
    ]);
  });

  it('reads a missing part of password_options as its rules switched off, and an active part without details with Auth0’s defaults', () => {
    expect(listPasswordRules(flexible({}))).toEqual([{ id: 'min-length', min: 1 }]);
    const defaults = flexible({ history: { active: true }, dictionary: { active: true }, profile_data: { active: true } });
    expect(defaults.historySize).toBe(5);
    expect(defaults.dictionary).toEqual({ list: 'en_10k', custom: [] });
    expect(defaults.profileFields).toEqual(['name', 'username', 'nickname', 'email', 'user_metadata.name', 'user_metadata.first', 'user_metadata.last']);
    expect(listPasswordRules(flexible({ history: { active: false, size: 3 }, dictionary: { active: false } }))).toEqual([{ id: 'min-length', min: 1 }]);
  });
});

describe('length, as Auth0 counts it', () => {
  it('is in UTF-16 code units, at the boundary', () => {
    const rules = { complexity: { min_length: 12 } };
    expect(brokenFlexible('a'.repeat(11), rules)).toEqual(['min-length']);
    expect(brokenFlexible('a'.repeat(12), rules)).toEqual([]);
    // 10 letters and one emoji: 11 code points, 12 UTF-16 units — enough for Auth0.
    expect(brokenFlexible(`${'a'.repeat(10)}😀`, rules)).toEqual([]);
    expect(brokenFlexible('', { complexity: { min_length: 1 } })).toEqual(['min-length']);
  });

  it('past 72 UTF-8 bytes refuses only when the connection says "error"', () => {
    const refuse = { complexity: { max_length_exceeded: 'error' as const } };
    expect(brokenFlexible('a'.repeat(72), refuse)).toEqual([]);
    expect(brokenFlexible('a'.repeat(73), refuse)).toEqual(['max-bytes']);
    expect(brokenFlexible('é'.repeat(36), refuse)).toEqual([]);
    expect(brokenFlexible(`${'é'.repeat(36)}a`, refuse)).toEqual(['max-bytes']);
    expect(brokenFlexible('日'.repeat(24), refuse)).toEqual([]);
    expect(brokenFlexible('日'.repeat(25), refuse)).toEqual(['max-bytes']);
    expect(brokenFlexible('a'.repeat(200), { complexity: { max_length_exceeded: 'truncate' } })).toEqual([]);
  });

  it('counts bytes as UTF-8 does', () => {
    for (const text of ['', 'a', 'é', '日', '😀', 'aé日😀', '\ud800', 'x\udc00y']) expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });
});

describe('character types', () => {
  it('all: each missing type is a rule broken of its own', () => {
    const rules = { complexity: { character_types: ['lowercase', 'uppercase', 'number', 'special'] as const, character_type_rule: 'all' as const } };
    const options = { complexity: { ...rules.complexity, character_types: [...rules.complexity.character_types] } };
    expect(brokenFlexible('abcdefgh', options)).toEqual(['character-type', 'character-type', 'character-type']);
    expect(checkNewPassword('abcDEF12', complexity(options.complexity))).toEqual([{ id: 'character-type', type: 'special' }]);
    expect(brokenFlexible('abcDEF1!', options)).toEqual([]);
  });

  it('three of four: two types are not enough, three are', () => {
    const options = { complexity: { character_types: ['lowercase', 'uppercase', 'number', 'special'] as ('lowercase' | 'uppercase' | 'number' | 'special')[], character_type_rule: 'three_of_four' as const } };
    expect(brokenFlexible('abcdEFGH', options)).toEqual(['character-types']);
    expect(brokenFlexible('abcdEFG1', options)).toEqual([]);
    expect(brokenFlexible('abcd 123', options)).toEqual([]);
  });

  it('are ASCII only: accented letters and other scripts count in no type; the space is special', () => {
    const options = { complexity: { character_types: ['lowercase', 'uppercase', 'special'] as ('lowercase' | 'uppercase' | 'special')[] } };
    expect(checkNewPassword('ÉÀÇéàç日本', complexity(options.complexity))).toEqual([
      { id: 'character-type', type: 'lowercase' },
      { id: 'character-type', type: 'uppercase' },
      { id: 'character-type', type: 'special' },
    ]);
    expect(brokenFlexible('aB c', options)).toEqual([]);
    expect(brokenFlexible('aB²', options)).toEqual(['character-type']);
  });
});

describe('runs of characters', () => {
  const block = { complexity: { identical_characters: 'block' as const, sequential_characters: 'block' as const } };

  it('no three identical characters in a row (Auth0’s example: 000)', () => {
    expect(brokenFlexible('x00y', block)).toEqual([]);
    expect(brokenFlexible('x000y', block)).toEqual(['no-identical-run']);
    expect(brokenFlexible('AAa', block)).toEqual([]);
    expect(brokenFlexible('aaa', { complexity: { identical_characters: 'allow' } })).toEqual([]);
  });

  it('no three sequential letters or digits, up or down (Auth0’s examples: ABC, 321)', () => {
    for (const password of ['ABC', 'xabcx', '321', 'zyx', '789', 'q1234', 'CBA']) expect(brokenFlexible(password, block), password).toEqual(['no-sequence']);
    for (const password of ['abd', 'ab-cd', '01-23', 'acbd', 'aBc', 'yza', '890', 'ab12']) expect(brokenFlexible(password, block), password).toEqual([]);
  });

  it('counts a run as password-sheriff does, quirk included: the step into a digit is measured from the character before it', () => {
    // '/' is 47, '0' 48, '1' 49: password-sheriff, which Auth0's policies run on, counts three.
    expect(brokenFlexible('/01', block)).toEqual(['no-sequence']);
    expect(brokenFlexible('#01', block)).toEqual([]);
  });
});

describe('the dictionary', () => {
  // The lists are generated from the devDependency on first use: seconds on a busy machine.
  it('refuses the whole password when it is on the list, whatever its case, and only then', { timeout: 30_000 }, async () => {
    const options = { dictionary: { active: true, default: 'en_10k' as const } };
    const commonPasswords = await loadCommonPasswords('en_10k');
    expect(brokenFlexible('password', options, { commonPasswords })).toEqual(['not-common']);
    expect(brokenFlexible('PaSsWoRd', options, { commonPasswords })).toEqual(['not-common']);
    expect(brokenFlexible('password-with-more', options, { commonPasswords })).toEqual([]);
    expect(brokenFlexible('correcthorsebatterystaple', options, { commonPasswords })).toEqual([]);
  });

  it('checks the tenant’s own entries case-insensitively (Auth0’s example entries)', () => {
    const options: Auth0PasswordOptions = { password_dictionary: { enable: true, dictionary: ['badPassword', 'reallyBadPassword'] } };
    const commonPasswords = { list: 'en_10k' as const, has: () => false };
    expect(broken('BADPASSWORD', options, { commonPasswords })).toEqual(['not-common']);
    expect(broken('reallybadpassword', options, { commonPasswords })).toEqual(['not-common']);
    expect(broken('badPassword!', options, { commonPasswords })).toEqual([]);
  });

  // The lists are generated from the devDependency on first use: seconds on a busy machine.
  it('has 10,000 and 100,000 entries: the 10,001st is only on the larger list, the 100,000th too', { timeout: 30_000 }, async () => {
    const [small, large] = await Promise.all([loadCommonPasswords('en_10k'), loadCommonPasswords('en_100k')]);
    // The first, the 10,000th, the 10,001st and the 100,000th of the source list, most common first.
    expect([small.has('123456'), small.has('brady'), small.has('blue23'), small.has('070162')]).toEqual([true, true, false, false]);
    expect([large.has('123456'), large.has('brady'), large.has('blue23'), large.has('070162')]).toEqual([true, true, true, true]);
    expect(large.has('correcthorsebatterystaple')).toBe(false);
  });

  it('will not check against a list it was not given: that is a programming error, not a common password', async () => {
    const rules = flexible({ dictionary: { active: true, default: 'en_100k' } });
    expect(() => checkNewPassword('anything', rules)).toThrow("load it with loadCommonPasswords('en_100k')");
    const small = await loadCommonPasswords('en_10k');
    expect(() => checkNewPassword('anything', rules, { commonPasswords: small })).toThrow('the en_100k list');
    expect(checkNewPassword('correcthorsebatterystaple', flexible({ dictionary: { active: true } }), { commonPasswords: await loadCommonPasswords('en_100k') })).toEqual([]);
  });

  it('is searched by halves over one sorted string', () => {
    const sorted = ['abc', 'abd', 'b', 'ba', 'zz'].join(' ');
    for (const word of ['abc', 'abd', 'b', 'ba', 'zz']) expect(isInSortedWords(sorted, word), word).toBe(true);
    for (const word of ['', 'a', 'ab', 'abcd', 'bb', 'zzz', ' ', 'b ba', 'aaa', '~']) expect(isInSortedWords(sorted, word), word).toBe(false);
    expect(isInSortedWords('', 'a')).toBe(false);
    expect(isInSortedWords('only', 'only')).toBe(true);
  });
});

describe('personal data', () => {
  const owner = { email: 'Ada.Lovelace@example.com', name: 'Ada Byron', nickname: 'countess', username: 'ada1815', user_metadata: { first: 'Augusta', city: 'London' }, phone_number: '+442079460000' };

  it('legacy: name, username, nickname, user_metadata name/first/last and the email’s local part, case-insensitively', () => {
    const options: Auth0PasswordOptions = { password_no_personal_info: { enable: true } };
    for (const password of ['xADA.LOVELACEx', 'my ada byron!', 'Countess-1', 'ada1815', 'augusta!!']) expect(broken(password, options, { owner }), password).toEqual(['no-profile-data']);
    // The domain is not the user's, and a field the legacy rule does not name is not checked.
    for (const password of ['example.com!', 'london-calling', '+442079460000']) expect(broken(password, options, { owner }), password).toEqual([]);
  });

  it('flexible: the fields the policy names, nested ones by path', () => {
    const options = { profile_data: { active: true, blocked_fields: ['phone_number', 'user_metadata.city'] } };
    expect(brokenFlexible('call+442079460000', options, { owner })).toEqual(['no-profile-data']);
    expect(brokenFlexible('LONDON2024', options, { owner })).toEqual(['no-profile-data']);
    expect(brokenFlexible('ada1815', options, { owner })).toEqual([]);
  });

  it('is not checked without the user, and ignores fields that are absent, empty or not text', () => {
    const options = { profile_data: { active: true, blocked_fields: ['name', 'logins_count', 'user_metadata.missing'] } };
    expect(brokenFlexible('Ada Byron', options)).toEqual([]);
    expect(brokenFlexible('12', options, { owner: { name: '', logins_count: 12 } as never })).toEqual([]);
  });
});

describe('every broken rule at once', () => {
  it('reports each rule the password breaks, never the password itself', async () => {
    const rules = flexible({
      complexity: { min_length: 10, character_types: ['uppercase', 'special'], identical_characters: 'block', sequential_characters: 'block', max_length_exceeded: 'error' },
      history: { active: true, size: 3 },
      dictionary: { active: true, default: 'en_10k' },
    });
    const result = checkNewPassword('abc123', rules, { commonPasswords: await loadCommonPasswords('en_10k') });
    expect(result).toEqual([
      { id: 'min-length', min: 10 },
      { id: 'character-type', type: 'uppercase' },
      { id: 'character-type', type: 'special' },
      { id: 'no-sequence', max: 2 },
      { id: 'not-common' },
    ]);
    expect(JSON.stringify(result)).not.toContain('abc123');
  });
});
