import { describe, expect, it } from 'vitest';
import { FORM_SCRIPT, RULE_CHECKS_SCRIPT } from '../../../src/page/page-script.js';
import { checklistData } from '../../../src/page/page-policy.js';
import { checkNewPassword, listPasswordRules, passwordRulesFromConnection, type PasswordRule, type PasswordRules } from '../../../src/password/password-rules.js';
import { random } from '../../helpers/random.js';

/**
 * The form's script ticks off, in the browser, the rules a password alone decides. It must say what
 * the server will say: the same rules, run in the same JavaScript engine on the same passwords.
 */
type BrowserCheck = (password: string, rule: Readonly<Record<string, string>>) => boolean;
const browserBreaks = new Function(`${RULE_CHECKS_SCRIPT}\nreturn breaks;`)() as BrowserCheck;

/** A rule as the browser reads it from its item: `data-*` attributes become `dataset` strings (camelCase). */
function datasetOf(rule: PasswordRule): Record<string, string> {
  const data = checklistData(rule);
  if (data === undefined) throw new Error(`${rule.id} is not checked in the browser`);
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()), String(value)]));
}

/** Connections whose rules, together, hold every rule a browser checks, at boundaries worth trying. */
const CONNECTIONS: PasswordRules[] = [
  passwordRulesFromConnection({
    password_options: {
      complexity: { min_length: 12, character_types: ['lowercase', 'uppercase', 'number', 'special'], character_type_rule: 'all', identical_characters: 'block', sequential_characters: 'block', max_length_exceeded: 'error' },
    },
  }),
  passwordRulesFromConnection({ passwordPolicy: 'excellent' }),
  passwordRulesFromConnection({ passwordPolicy: 'none' }),
  // Two types, "three of four": at least two of them.
  { ...passwordRulesFromConnection({}), characterTypes: ['number', 'special'], characterTypeRule: 'three_of_four' },
];

// Runs and sequences, their breakers (`/` before `0`, `` ` `` after `_`), the special characters'
// edges, letters outside ASCII, a surrogate pair and a lone surrogate.
const ALPHABET = [...'aAbBcCxyzZ0123789/:@[`{~ -_!"\\]éß日', '😀', '\uD800'];

function passwords(count: number): string[] {
  const next = random(20);
  const list = ['', 'abc', 'cba', '/01', 'aaa', 'aa', 'Aa1!', '😀😀😀', '\uD800'.repeat(25), 'é'.repeat(36), 'é'.repeat(37), 'x'.repeat(72), 'x'.repeat(73)];
  while (list.length < count) {
    const length = Math.floor(next() * 20) + Math.floor(next() * 3) * 30;
    list.push(Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''));
  }
  return list;
}

describe('the form’s script', () => {
  it('checks every browser-side rule as the server does, on 5,000 passwords', () => {
    const checked = CONNECTIONS.flatMap((rules) => listPasswordRules(rules).filter((rule) => checklistData(rule) !== undefined));
    expect(new Set(checked.map((rule) => rule.id))).toEqual(new Set(['min-length', 'max-bytes', 'character-type', 'character-types', 'no-identical-run', 'no-sequence']));
    const disagreements: string[] = [];
    for (const password of passwords(5_000)) {
      for (const rules of CONNECTIONS) {
        const broken = checkNewPassword(password, rules).map((rule) => JSON.stringify(rule));
        for (const rule of listPasswordRules(rules).filter((listed) => checklistData(listed) !== undefined)) {
          const server = broken.includes(JSON.stringify(rule));
          if (browserBreaks(password, datasetOf(rule)) !== server) disagreements.push(`${JSON.stringify(password)} ${JSON.stringify(rule)}: the server says ${server ? 'broken' : 'met'}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('blocks no paste and sends nothing anywhere', () => {
    expect(FORM_SCRIPT).not.toMatch(/paste|preventDefault|fetch|XMLHttpRequest|sendBeacon|localStorage|sessionStorage|cookie/);
  });
});
