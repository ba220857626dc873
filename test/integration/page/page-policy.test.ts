import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import type { Auth0PasswordOptions } from '../../../src/auth0/password-policy.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { createChangePasswordPage } from '../../../src/page/create-change-password-page.js';
import type { ChangePasswordPageOptions } from '../../../src/page/options.js';
import type { CreateUserInput, LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../helpers/local-tenant.js';
import { INITIAL_PASSWORD, PAGE_KEY, PAGE_URL, signPageSession } from '../../helpers/page-session.js';
import { createPwnedPasswordsStandIn, sha1, type PwnedPasswordsStandIn } from '../../helpers/pwned-passwords.js';

/**
 * Issue 20 on the page: the connection's rules in either of Auth0's shapes, the dictionary, the
 * user's profile and known breaches checked before Auth0 is asked; every rule a password broke named,
 * next to the field; why the change is required; Auth0's refusals and everything else in the user's
 * language. Against a local tenant (the real SDK, Auth0's 400s) and a stand-in of the range API.
 */
const KEY = PAGE_KEY;
const PAGE = PAGE_URL;
const DATABASE = 'Username-Password-Authentication';
const INITIAL = INITIAL_PASSWORD;
const RANGE_URL = 'https://range.pwned.test/range/';
const ALL_TYPES = ['lowercase', 'uppercase', 'number', 'special'] as const;

interface Setup {
  readonly page: ReturnType<typeof createChangePasswordPage>;
  readonly logs: LogEntry[];
  readonly userId: string;
  /** Every Management API URL the page asked for, query included. */
  readonly managementUrls: string[];
  readonly pwned: PwnedPasswordsStandIn;
  session(claims?: Record<string, unknown>): string;
}

/** The page on `tenant` (whose default connection has `connectionOptions`), for one user. */
function setup(
  tenant: LocalTenant,
  { options = {}, connectionOptions, user = {} }: { options?: Partial<ChangePasswordPageOptions>; connectionOptions?: Auth0PasswordOptions; user?: CreateUserInput } = {},
): Setup {
  const created = tenant.users.create({ email: 'ada@example.com', password: INITIAL, ...user });
  // For the passwords set from now on, as in Auth0.
  if (connectionOptions !== undefined) tenant.connections.setPasswordOptions(DATABASE, connectionOptions);
  const logs: LogEntry[] = [];
  const managementUrls: string[] = [];
  const pwned = createPwnedPasswordsStandIn();
  const page = createChangePasswordPage({
    domain: tenant.domain,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    sessionSecret: KEY,
    // One transport for both: the Management API (the tenant) and the range API (the stand-in).
    fetch: (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(RANGE_URL)) return pwned.fetch(input, init);
      managementUrls.push(url);
      return tenant.fetch(input, init);
    },
    log: (entry) => void logs.push(entry),
    ...options,
  });
  return {
    page,
    logs,
    userId: created.user_id,
    managementUrls,
    pwned,
    session: (claims = {}) => signPageSession(KEY, { domain: tenant.domain, userId: created.user_id }, claims),
  };
}

const get = (page: Setup['page'], query: Record<string, string>, headers: Record<string, string> = {}) =>
  page(new Request(`${PAGE}?${new URLSearchParams(query)}`, { headers }));

const post = (page: Setup['page'], fields: Record<string, string>) =>
  page(
    new Request(PAGE, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(fields).toString(),
    }),
  );

/** Sets `password` (typed twice) with a fresh session, or with `token`. */
const choose = (setupped: Setup, password: string, token = setupped.session(), confirm = password) =>
  post(setupped.page, { session_token: token, state: 's', password, confirm });

const decode = (html: string) => html.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
/** The rules the form lists, in words. */
const rulesOf = (html: string) => [...(/<ul id="rule-list"[^>]*>(.*?)<\/ul>/s.exec(html)?.[1] ?? '').matchAll(/<li[^>]*>(?:<span class="state"><\/span>)?(.*?)<\/li>/g)].map((match) => decode(match[1]!));
/** What the error under the password says: its sentence, or its intro and the rules it lists. */
function passwordErrorOf(html: string): string[] | undefined {
  const error = /<(div|p) class="error" id="password-error" role="alert">(.*?)<\/\1>/s.exec(html)?.[2];
  if (error === undefined) return undefined;
  return [...error.matchAll(/<(?:p|li)>(.*?)<\/(?:p|li)>/g)].map((match) => decode(match[1]!)).concat(error.startsWith('<') ? [] : [decode(error)]);
}

const FULL_FLEXIBLE: Auth0PasswordOptions = {
  // Ignored by Auth0 once password_options is there: `low` would mean 6 characters.
  passwordPolicy: 'low',
  password_options: {
    complexity: { min_length: 12, character_types: [...ALL_TYPES], character_type_rule: 'three_of_four', identical_characters: 'block', sequential_characters: 'block' },
    history: { active: true, size: 5 },
    dictionary: { active: true, default: 'en_10k', custom: ['Acme-Winter-2026!'] },
    profile_data: { active: true },
  },
};
const FULL_RULES = [
  'At least 12 characters',
  'At least 3 of these: lower case letters (a–z), upper case letters (A–Z), numbers (0–9), special characters (such as ! @ # $ % ^ & *)',
  'No more than 2 identical characters in a row (such as “aaa”)',
  'No more than 2 letters or numbers in sequence (such as “abc” or “321”)',
  'Not a commonly used password',
  'No personal information, such as your name or email address',
  'Not a password you have used recently',
];
const CONNECTION_SCOPES = ['read:users', 'update:users', 'read:connections', 'read:connections_options'];

describe('1. both policy shapes, from the connection or the options, every rule checked before Auth0', () => {
  it('reads password_options over the legacy keys, and lists every rule in words', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: CONNECTION_SCOPES });
    const setupped = setup(tenant, { connectionOptions: FULL_FLEXIBLE });
    const html = await (await get(setupped.page, { session_token: setupped.session(), state: 's' })).text();
    expect(rulesOf(html)).toEqual(FULL_RULES);
    expect(html).toContain('<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12"');
    // Every rule, a refusal naming four of them, in Japanese (three bytes a character): still under 16 KB.
    const largest = await (await choose(setupped, 'aaabc', setupped.session({ locale: 'ja' }), 'aaabd')).text();
    expect(passwordErrorOf(largest)).toHaveLength(5);
    expect(Buffer.byteLength(largest)).toBeLessThan(16_000);
  });

  it('refuses a password naming every rule it broke, under the field, and asks Auth0 nothing', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: CONNECTION_SCOPES });
    const setupped = setup(tenant, { connectionOptions: FULL_FLEXIBLE, user: { name: 'Ada Lovelace' } });
    const response = await choose(setupped, 'aaabc', undefined, 'aaabd');
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(passwordErrorOf(html)).toEqual(['This password does not meet these requirements:', ...FULL_RULES.slice(0, 4)]);
    expect(html).toContain('<p class="error" id="confirm-error" role="alert">The two passwords are not the same.</p>');
    expect(tenant.counts().patchUser).toBe(0);
    expect(setupped.logs.at(-1)).toMatchObject({ decision: 'refuse', reason: 'password-policy', detail: 'min-length, character-types, no-identical-run, no-sequence, mismatch' });
  });

  it.for([
    ['a common password (the en_10k list, any case), and too short', 'pASSWORD1', ['At least 12 characters', 'Not a commonly used password']],
    ['one of the connection’s own entries (any case)', 'acme-WINTER-2026!', ['Not a commonly used password']],
    ['a password holding the family name (given_name and family_name count as name does)', 'Lovelace-Rules-9', ['No personal information, such as your name or email address']],
    ['a password holding the email’s local part', 'Ada.Byron-1815!', ['No personal information, such as your name or email address']],
  ] as const)('refuses %s, with its reason', async ([, password, reasons], { startTenant }) => {
    const tenant = await startTenant({ scopes: CONNECTION_SCOPES });
    const setupped = setup(tenant, { connectionOptions: FULL_FLEXIBLE, user: { email: 'ada.byron@example.com', name: 'Ada King', given_name: 'Ada', family_name: 'Lovelace' } });
    const response = await choose(setupped, password);
    expect(response.status).toBe(400);
    expect(passwordErrorOf(await response.text())).toEqual(['This password does not meet these requirements:', ...reasons]);
    expect(tenant.counts().patchUser).toBe(0);
  });

  it('reads the profile the personal-data rule needs, and only then; the account read keeps to email and last_password_reset', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: CONNECTION_SCOPES });
    const withRule = setup(tenant, { connectionOptions: { password_options: { profile_data: { active: true, blocked_fields: ['nickname', 'user_metadata.city'] } } } });
    await get(withRule.page, { session_token: withRule.session(), state: 's' });
    expect((await choose(withRule, 'A-Fine-New-Passw0rd')).status).toBe(200);
    const fieldsRead = (urls: string[]) => urls.filter((url) => url.includes('/api/v2/users/')).map((url) => new URL(url).searchParams.get('fields'));
    // GET: the account; POST: the profile (before anything is claimed), then the second line's read, then the PATCH.
    expect(fieldsRead(withRule.managementUrls)).toEqual([
      'user_id,email,last_password_reset',
      'user_id,email,nickname,given_name,family_name,user_metadata',
      'user_id,email,last_password_reset',
      null,
    ]);

    const other = await startTenant({ scopes: CONNECTION_SCOPES });
    const without = setup(other, { connectionOptions: { password_options: { complexity: { min_length: 8 } } } });
    expect((await choose(without, 'A-Fine-New-Passw0rd')).status).toBe(200);
    expect(fieldsRead(without.managementUrls)).toEqual(['user_id,email,last_password_reset', null]);
  });

  it('takes the same shapes in its passwordPolicy option, and then reads no connection', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:users', 'update:users'] });
    const setupped = setup(tenant, {
      connectionOptions: { password_options: { complexity: { min_length: 1 } } },
      options: { passwordPolicy: { password_options: { complexity: { min_length: 10, sequential_characters: 'block' }, dictionary: { active: true, custom: ['correct horse'] } } } },
    });
    const html = await (await get(setupped.page, { session_token: setupped.session(), state: 's' })).text();
    expect(rulesOf(html)).toEqual(['At least 10 characters', 'No more than 2 letters or numbers in sequence (such as “abc” or “321”)', 'Not a commonly used password']);
    expect(passwordErrorOf(await (await choose(setupped, 'abc-xyz-123')).text())).toEqual(['This password does not meet these requirements:', 'No more than 2 letters or numbers in sequence (such as “abc” or “321”)']);
    expect(passwordErrorOf(await (await choose(setupped, 'Correct Horse')).text())).toEqual(['This password does not meet these requirements:', 'Not a commonly used password']);
    expect((await choose(setupped, 'zebra-kite-moss')).status).toBe(200);
    expect(tenant.requests.filter(({ route }) => route === 'getConnection' || route === 'listConnections')).toEqual([]);
  });

  it('refuses a password over 72 bytes whatever the policy, in bytes not characters', async ({ tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'none' } }, connectionOptions: { passwordPolicy: 'none' } });
    // 24 characters of 3 bytes each: 72 bytes, accepted; one more character is 75 bytes.
    expect((await choose(setupped, '日'.repeat(24))).status).toBe(200);
    // A legacy policy, which Auth0 would cut: refused all the same, with 0.2.0's words (texts.tooLong).
    const legacy = setup(tenant, { options: { passwordPolicy: { level: 'none' } }, user: { email: 'grace@example.com' } });
    expect(passwordErrorOf(await (await choose(legacy, '日'.repeat(25))).text())).toEqual(['This password does not meet these requirements:', 'This password is too long (at most 72 bytes).']);
    // A policy that refuses it itself lists the rule, and names it.
    const strict = setup(tenant, { options: { passwordPolicy: { password_options: { complexity: { max_length_exceeded: 'error' } } } }, user: { email: 'hedy@example.com' } });
    const html = await (await choose(strict, '日'.repeat(25))).text();
    expect(rulesOf(html)).toContain('At most 72 bytes (accented letters and other scripts take 2 or more each)');
    expect(passwordErrorOf(html)).toEqual(['This password does not meet these requirements:', 'At most 72 bytes (accented letters and other scripts take 2 or more each)']);
  });
});

describe('2. Auth0’s refusals, in the user’s language', () => {
  it('shows password history (only Auth0 knows it) in Japanese, on a Japanese page', async ({ tenant }) => {
    tenant.connections.setPasswordPolicy(DATABASE, { passwordPolicy: 'good', passwordHistorySize: 3 });
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' } } });
    const response = await choose(setupped, INITIAL, setupped.session({ locale: 'ja' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<html lang="ja">');
    expect(passwordErrorOf(html)).toEqual(['このパスワードは以前に使用されています。別のパスワードを選んでください。']);
    expect(setupped.logs.at(-1)).toMatchObject({ reason: 'password-refused-by-auth0', detail: 'PasswordHistoryError' });
  });

  it.for([
    ['PasswordStrengthError', { passwordPolicy: 'excellent' }, 'zebrakite', 'de', 'Dieses Passwort ist zu schwach.'],
    ['PasswordDictionaryError', { passwordPolicy: 'none', password_dictionary: { enable: true } }, 'letmein1', 'fr-CA', 'Ce mot de passe est trop courant.'],
    ['PasswordNoUserInfoError', { passwordPolicy: 'none', password_no_personal_info: { enable: true } }, 'adalovelace!', 'ko', '비밀번호에 개인 정보가 포함되어 있습니다.'],
  ] as const)('says Auth0’s %s in the login’s language, when Auth0 is stricter than the page was told', async ([error, connectionOptions, password, locale, words], { tenant }) => {
    const setupped = setup(tenant, { connectionOptions, options: { passwordPolicy: { level: 'none' } }, user: { name: 'Ada Lovelace' } });
    const response = await choose(setupped, password, setupped.session({ locale }));
    expect(response.status).toBe(400);
    expect(passwordErrorOf(await response.text())).toEqual([words]);
    expect(tenant.counts().patchUser).toBe(1);
    expect(setupped.logs.at(-1)).toMatchObject({ reason: 'password-refused-by-auth0', detail: error });
  });
});

describe('3. known breaches (breachedPasswords), through the range API', () => {
  const BREACHED = 'Tr0ub4dour&3-horse';
  const CLEAN = 'Zebra-Kite-Moss-7';

  it('refuses a breached password with its reason, counts it, and lets only 5 hex characters of its hash leave', async ({ tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' }, breachedPasswords: { rangeUrl: RANGE_URL, onUnavailable: 'refuse' }, maxAttempts: 2 } });
    setupped.pwned.breach(BREACHED, 3_730);
    setupped.pwned.padWith(CLEAN);
    const token = setupped.session();
    expect(rulesOf(await (await get(setupped.page, { session_token: token, state: 's' })).text())).toContain('Not found in a known data breach');

    const refused = await choose(setupped, BREACHED, token);
    expect(refused.status).toBe(400);
    expect(passwordErrorOf(await refused.text())).toEqual(['This password does not meet these requirements:', 'Not found in a known data breach']);
    expect(setupped.logs.at(-1)).toMatchObject({ decision: 'refuse', reason: 'password-breached', detail: 'not-breached' });
    expect(tenant.counts().patchUser).toBe(0);
    // Counted: with maxAttempts 2, the second breached password locks the session.
    expect((await choose(setupped, BREACHED, token)).status).toBe(429);

    // A password whose suffix is only padding (count 0) in its range is not breached.
    expect((await choose(setupped, CLEAN)).status).toBe(200);
    expect(tenant.users.verifyPassword(setupped.userId, CLEAN)).toBe(true);

    // What left the page: one GET per check, a 5-character prefix of the SHA-1, padding asked for.
    const { requests } = setupped.pwned;
    expect(requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'GET', url: `${RANGE_URL}${sha1(BREACHED).slice(0, 5)}`, body: '' },
      { method: 'GET', url: `${RANGE_URL}${sha1(BREACHED).slice(0, 5)}`, body: '' },
      { method: 'GET', url: `${RANGE_URL}${sha1(CLEAN).slice(0, 5)}`, body: '' },
    ]);
    for (const request of requests) {
      expect(request.url.slice(RANGE_URL.length)).toMatch(/^[0-9A-F]{5}$/);
      expect(request.headers['add-padding']).toBe('true');
      const sent = inspect(request);
      for (const secret of [BREACHED, CLEAN, sha1(BREACHED).slice(5), sha1(CLEAN).slice(5), sha1(BREACHED).slice(4, 10)]) expect(sent).not.toContain(secret);
    }
  });

  it.for(['failing', 'slow', 'malformed'] as const)('when the range API is %s and onUnavailable is "refuse": nothing set, nothing counted, the user told to try again', async (behaviour, { tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' }, breachedPasswords: { rangeUrl: RANGE_URL, timeoutMs: 100, onUnavailable: 'refuse' }, maxAttempts: 1 } });
    setupped.pwned.behaviour = behaviour;
    const token = setupped.session();
    const response = await choose(setupped, CLEAN, token);
    expect(response.status).toBe(503);
    expect(passwordErrorOf(await response.text())).toEqual(['We could not check this password against known data breaches just now. Please try again.']);
    expect(tenant.counts().patchUser).toBe(0);
    expect(setupped.logs.at(-1)).toMatchObject({ decision: 'refuse', reason: 'breach-check-unavailable', detail: expect.stringMatching(/; onUnavailable: refuse$/) });
    // Not counted: with maxAttempts 1, the same link still sets the password once the API answers.
    setupped.pwned.behaviour = 'answer';
    expect((await choose(setupped, CLEAN, token)).status).toBe(200);
  });

  it('when the range API is slow and onUnavailable is "allow": the password is set, and the log says the check was skipped', async ({ tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' }, breachedPasswords: { rangeUrl: RANGE_URL, timeoutMs: 100, onUnavailable: 'allow' } } });
    setupped.pwned.behaviour = 'slow';
    expect((await choose(setupped, CLEAN)).status).toBe(200);
    expect(tenant.users.verifyPassword(setupped.userId, CLEAN)).toBe(true);
    expect(setupped.logs).toContainEqual(expect.objectContaining({ decision: 'warn', reason: 'breach-check-unavailable', detail: 'no answer within 100 ms; onUnavailable: allow' }));
  });
});

describe('4. why the change is required, in words', () => {
  it.for([
    ['first-login', 'This is your first sign-in: please replace the password you were given with one of your own.'],
    ['flagged', 'A password change has been requested for your account. Choose a new password to continue.'],
    ['passwords-set-before', 'For your security, passwords set before a certain date must be replaced. Choose a new password to continue.'],
    ['password-too-old', 'Your password has reached its maximum age. Choose a new password to continue.'],
    ['a-reason-of-a-later-gate', 'Before you continue, please replace your password.'],
  ] as const)('says the session’s reason %s', async ([reason, words], { tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' } } });
    const html = await (await get(setupped.page, { session_token: setupped.session({ reason }), state: 's' })).text();
    expect(html).toContain(`<p id="why">${words}</p>`);
  });

  it('in the login’s language', async ({ tenant }) => {
    const setupped = setup(tenant, { options: { passwordPolicy: { level: 'good' } } });
    const html = await (await get(setupped.page, { session_token: setupped.session({ reason: 'password-too-old', locale: 'zh-CN' }), state: 's' })).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<p id="why">您的密码已到期。请设置新密码以继续。</p>');
  });
});

describe('5. the language shown, and texts over it', () => {
  it('overrides any text in any language, and adds a language the page does not ship', async ({ tenant }) => {
    const setupped = setup(tenant, {
      options: {
        passwordPolicy: { level: 'good' },
        texts: {
          submit: { ja: '保存して続行', default: 'Save and continue' },
          title: { 'pt-PT': 'Escolha uma nova palavra-passe' },
          ruleMinLength: { de: 'Mindestens {min} Zeichen, bitte' },
        },
      },
    });
    const pageIn = async (locale: string) => (await get(setupped.page, { session_token: setupped.session({ locale }), state: 's' })).text();
    const ja = await pageIn('ja-JP');
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('>保存して続行</button>');
    expect(ja).toContain('<h1>新しいパスワードの設定</h1>');
    const de = await pageIn('de');
    expect(de).toContain('Mindestens 8 Zeichen, bitte</li>');
    expect(de).toContain('>Passwort festlegen und fortfahren</button>');
    expect(await pageIn('en-GB')).toContain('>Save and continue</button>');
    const pt = await pageIn('pt-PT');
    expect(pt).toContain('<html lang="pt-PT">');
    expect(pt).toContain('<h1>Escolha uma nova palavra-passe</h1>');
  });

  it('speaks the browser’s language on a page without a session', async ({ tenant }) => {
    const { page } = setup(tenant);
    const html = await (await get(page, { state: 's' }, { 'accept-language': 'da;q=1, de-CH;q=0.9, en;q=0.5' })).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Diese Seite wird während der Anmeldung geöffnet.');
  });
});
