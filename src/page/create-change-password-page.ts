import { createHash, randomBytes } from 'node:crypto';
import type { Auth0PasswordOptions } from '../auth0/password-policy.js';
import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { checkOptions } from '../internal/check-options.js';
import { CLOCK_TOLERANCE_SECONDS, signHs256, verifyHs256 } from '../internal/jwt.js';
import { createLogEmitter, defaultLogOption, withAuditFields, type LogEntry } from '../internal/log.js';
import { isAuth0SessionId, PAGE_SESSION_PURPOSE, PASSWORD_CHANGE_SKIPPED_PURPOSE, PASSWORD_CHANGED_PURPOSE, SESSION_TOKEN_PARAMETER } from '../internal/page-session.js';
import { DOMAIN_EXPECTED, parseTenantDomain, type TenantDomain } from '../management/domain.js';
import { createManagementApiError, type FailureHint } from '../management/management-api-failure.js';
import { openManagementClient, type UserField, type UserSnapshot } from '../management/management-client.js';
import { createMemoryTokenStore } from '../management/token-store.js';
import { changedSince } from '../obligation/obligation.js';
import { formatIsoTime, parseIsoTime, toIsoInstant, type IsoInstant } from '../obligation/time.js';
import { createBreachedPasswordCheck } from '../password/breached-passwords.js';
import { loadCommonPasswords } from '../password/common-passwords.js';
import { passwordRulesFromOption } from '../password/password-policy-option.js';
import { passwordRulesFromConnection, type PasswordOwner, type PasswordRule, type PasswordRules } from '../password/password-rules.js';
import { describePasswordRule } from '../password/password-texts.js';
import { changePasswordPageOptionChecks, type ChangePasswordPageOptions } from './options.js';
import { createLanguageChooser, type PageLanguage } from './page-language.js';
import { brokenRules, checklistData, ownerOf, pageRulesOf, profileFieldsToRead, rulesShown } from './page-policy.js';
import type { PageTexts } from './page-texts.js';
import { renderContinue, renderForm, renderMessage, type PasswordError } from './render-page.js';
import { createMemorySessionStore, type PageSessionStore } from './session-store.js';

const CALLER = 'createChangePasswordPage';
/** How long the way back to `/continue` stays valid: a browser follows it at once. */
const CONTINUE_TOKEN_SECONDS = 60;
/** How long a connection's policy read from Auth0 is reused. */
const POLICY_TTL_MS = 5 * 60_000;
/** The largest form the page reads, counted as it arrives: `Content-Length` may be absent or false. */
const MAX_BODY_BYTES = 16 * 1024;
/**
 * A claim's longest life: two minutes, past the worst one request can take before the session is spent
 * (a token, the user read, the PATCH and the read after it, each within its 12 s budget).
 */
const CLAIM_LEASE_MS = 120_000;
/** What the page reads of a user to show the account and to know whether the obligation is met. */
const ACCOUNT_FIELDS: readonly UserField[] = ['email', 'last_password_reset'];

/**
 * Auth0's four known refusals of a password (a 400 whose message starts with the error's name, such as
 * `PasswordHistoryError: Password has previously been used`), each said in the user's language.
 */
const AUTH0_REFUSALS = {
  PasswordHistoryError: 'refusedHistory',
  PasswordStrengthError: 'refusedStrength',
  PasswordDictionaryError: 'refusedDictionary',
  PasswordNoUserInfoError: 'refusedNoUserInfo',
} as const satisfies Record<string, keyof PageTexts>;
type Auth0Refusal = keyof typeof AUTH0_REFUSALS;

/** Why the user is here, by the gate's reason in the session (`src/gate/decide-first-login.ts`). */
const REASON_TEXTS: Readonly<Record<string, keyof PageTexts>> = {
  'first-login': 'reasonFirstLogin',
  flagged: 'reasonFlagged',
  'passwords-set-before': 'reasonPasswordsSetBefore',
  'password-too-old': 'reasonPasswordTooOld',
  'password-expires-soon': 'reasonPasswordExpiresSoon',
  'passwords-set-before-grace': 'reasonPasswordsSetBeforeGrace',
};

/** `{date}` in a warning's text: the deadline in the page's language, to the minute, in UTC (said so). */
function formatDeadline(at: IsoInstant, lang: string): string {
  const parts: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(lang, parts).format(Date.parse(at));
  } catch {
    // A language tag of `texts` that Intl does not know.
    return new Intl.DateTimeFormat('en', parts).format(Date.parse(at));
  }
}

/** The page: a Web-standard request handler. */
export type ChangePasswordPage = (request: Request) => Promise<Response>;

/** What a valid session token says. */
interface Session {
  /** The store's key: the SHA-256 of what the token's signature covers. */
  readonly key: string;
  readonly userId: string;
  /** Auth0's `iss`, given back unchanged in the token to `/continue`. */
  readonly issuer: string;
  /** The host the user signs in on, in `allowedHosts`: `/continue` is there. */
  readonly host: string;
  readonly connection: string;
  /** When the obligation began (in a warning: when the password was set): a password set after it meets it. */
  readonly since: IsoInstant;
  /** A warning session: when the change becomes required. The form then offers "Not now" until then. */
  readonly due: IsoInstant | undefined;
  /** The Auth0 session of the login in progress (`event.session.id`): kept when the others are ended. */
  readonly sessionId: string | undefined;
  /** The gate's reason (`first-login`, `flagged`, …), said on the form. */
  readonly reason: string | undefined;
  readonly locale: string | undefined;
  readonly expiresAt: number;
}

type SessionRefusal = 'missing' | 'invalid' | 'expired' | 'used' | 'host-not-allowed' | 'no-state';

/** What ending the user's other sessions came to. */
type SignOutOutcome =
  | { readonly outcome: 'ended'; readonly count: number; readonly more: boolean }
  | { readonly outcome: 'failed'; readonly detail: string };

/** What became of the one password PATCH of an attempt. */
type ChangeOutcome =
  | { readonly outcome: 'changed'; readonly at: number }
  | { readonly outcome: 'refused'; readonly error: Auth0Refusal }
  | { readonly outcome: 'unavailable'; readonly detail: string };

/** A session store that failed: the page then fails closed, and says which operation in its log. */
class SessionStoreError extends Error {
  override name = 'SessionStoreError' as const;
}

/**
 * The store, with each failure turned into a {@link SessionStoreError} naming the operation — never
 * the store's own message, which may quote a connection string.
 */
type GuardedStore = { readonly [Method in keyof PageSessionStore]: (...args: Parameters<PageSessionStore[Method]>) => Promise<Awaited<ReturnType<PageSessionStore[Method]>>> };

function guarded(store: PageSessionStore): GuardedStore {
  const wrap =
    <Args extends unknown[], Result>(operation: string, run: (...args: Args) => Result | Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await run(...args);
      } catch (error) {
        throw new SessionStoreError(`${operation} failed`, { cause: error });
      }
    };
  return {
    claim: wrap('claim', (key: string, expiresAt: number) => store.claim(key, expiresAt)),
    release: wrap('release', (key: string) => store.release(key)),
    spend: wrap('spend', (key: string, expiresAt: number) => store.spend(key, expiresAt)),
    isSpent: wrap('isSpent', (key: string) => store.isSpent(key)),
    countAttempt: wrap('countAttempt', (key: string, change: 1 | -1, expiresAt: number) => store.countAttempt(key, change, expiresAt)),
  };
}

const hint: FailureHint = (failure) => {
  if (failure.status !== 403 || failure.step === 'get token') return undefined;
  if (failure.step === 'list sessions' || failure.step === 'revoke sessions') {
    return "signOutOtherSessions needs read:sessions, delete:sessions and delete:refresh_tokens on the page's M2M application, and Auth0's session management (Enterprise plans); or set signOutOtherSessions: 'never'";
  }
  const missing = failure.requiredScopes === undefined ? 'the scope it names' : `the ${failure.requiredScopes.join(' or ')} scope`;
  return `grant the page's M2M application ${missing}: the page needs read:users and update:users, and read:connections with read:connections_options unless passwordPolicy is given`;
};

/**
 * The headers of every answer: nothing cached, nothing framed, nothing leaked, nothing loaded.
 * `form-action` limits forms to the page itself — except on the way back to `/continue`: browsers
 * apply `form-action` to the redirects that follow a form's POST too, and Auth0 answers `/continue`
 * with a redirect to the application, on an origin the page cannot know. That answer's only form is
 * ours, its action fixed by the page to an allowed host.
 */
function headers(nonce: string, limitForms: boolean): Headers {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      ...(limitForms ? ["form-action 'self'"] : []),
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  });
}

/** What a log line says of something thrown: a Management API step and its reason, or the error's name — never its message. */
const detailOf = (error: unknown): string =>
  error instanceof ManagementApiError ? `${error.step}: ${error.reason}` : error instanceof Error ? error.name : 'non-error thrown';

/** The store's name for a session: the SHA-256 of what the signature covers, never the token. */
const keyOf = (signedPart: string) => createHash('sha256').update(signedPart).digest('base64url');

/**
 * The form's fields, or why not. The body is counted as it arrives and abandoned past the limit,
 * whatever `Content-Length` says (or whether it is there at all: a chunked body has none).
 */
async function readForm(request: Request): Promise<URLSearchParams | 'too-large' | 'not-a-form'> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return 'not-a-form';
  if (Number(request.headers.get('content-length') ?? '0') > MAX_BODY_BYTES) return 'too-large';
  if (request.body === null) return new URLSearchParams();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

/**
 * Creates the change-password page: a Web-standard handler, `(request: Request) => Promise<Response>`,
 * that runs wherever `Request` and `Response` do — Node (with `createNodeListener`), Hono, a Next.js
 * route handler, Workers, Deno.
 *
 * The gate (`createFirstLoginGate({ changePasswordPage: { url } })`) sends a user here with a signed
 * `session_token`; Auth0 appends `state`. `GET` checks the token (HS256 with `sessionSecret` only,
 * canonical encoding, `exp`, the login's `host` among `allowedHosts`), reads the user's account through
 * the Management API and shows a form for the new password: why it is required, and the connection's
 * rules (legacy or Flexible Password Policy) as a checklist — in the login's language. `POST` checks
 * the token again, the confirmation, every rule (the dictionary, the user's profile, and known breaches
 * with `breachedPasswords`) and names each one the password broke; then it claims the session in
 * `sessionStore` (one change in flight per session, on any number of instances), counts the attempt,
 * reads the user — a session whose obligation is already met is spent — and sets the password with
 * one `PATCH` (never retried: after a 5xx or a timeout it reads the user to learn what happened). It
 * shows Auth0's refusal inline, in the user's language (password history, above all), and sends the
 * browser back to `https://{host}/continue?state=…` with a new token saying when the password changed;
 * the gate's `onContinuePostLogin` takes it from there. A session sets one password, a few failed
 * attempts lock it, and no password, token or secret is ever logged.
 *
 * @throws OptionsError when an option is missing or malformed (secrets are never quoted).
 *
 * @example
 * ```js
 * import { createServer } from 'node:http';
 * import { createChangePasswordPage, createNodeListener } from 'auth0-force-password-reset/page';
 *
 * const page = createChangePasswordPage({
 *   domain: 'acme.eu.auth0.com',
 *   clientId: process.env.PAGE_CLIENT_ID,
 *   clientSecret: process.env.PAGE_CLIENT_SECRET,
 *   sessionSecret: process.env.CHANGE_PASSWORD_PAGE_SECRET,
 *   allowedHosts: ['acme.eu.auth0.com', 'login.acme.com'],
 *   breachedPasswords: { onUnavailable: 'allow' },
 * });
 * createServer(createNodeListener(page)).listen(8080);
 * ```
 */
export function createChangePasswordPage(options: ChangePasswordPageOptions): ChangePasswordPage {
  const checked = checkOptions(CALLER, changePasswordPageOptionChecks, options);
  const domain = parseTenantDomain(checked.domain);
  if ('problem' in domain) {
    // Never quoted: swapped environment variables put a secret here.
    throw new OptionsError(CALLER, [{ code: 'invalid_format', path: 'options.domain', expected: `${domain.problem}: it must be ${DOMAIN_EXPECTED}` }]);
  }
  // Each allowed host with the origin of its /continue (checked by the option table already).
  const allowedOrigins = new Map<string, string>();
  for (const given of checked.allowedHosts ?? [domain.host]) {
    const parsed = parseTenantDomain(given) as TenantDomain;
    allowedOrigins.set(parsed.host, parsed.origin);
  }
  const transport: typeof globalThis.fetch = (input, init) => (checked.fetch ?? globalThis.fetch)(input, init);
  const settings = {
    domain: domain satisfies TenantDomain,
    clientId: checked.clientId,
    clientSecret: checked.clientSecret,
    sessionSecret: checked.sessionSecret,
    rules: checked.passwordPolicy === undefined ? undefined : pageRulesOf(passwordRulesFromOption(checked.passwordPolicy)),
    languages: createLanguageChooser(checked.texts),
    checkBreach: checked.breachedPasswords === undefined ? undefined : createBreachedPasswordCheck(checked.breachedPasswords, transport),
    maxAttempts: checked.maxAttempts ?? 5,
    signOut: checked.signOutOtherSessions ?? 'offer',
    store: guarded(checked.sessionStore ?? createMemorySessionStore()),
  };
  const emit = createLogEmitter(checked.log ?? defaultLogOption(), 'change-password-page');
  const log = (fields: Omit<LogEntry, 'lib' | 'v' | 'trigger'>) => emit(fields);
  /**
   * A line about a session's user, with the obligation's audit fields as the gate logs them: `since`
   * for an obligation, `due` for a warning (whose session's `since` is when the password was set, not
   * when an obligation began: the gate's warning line has no `since` either). Not `by`: the session
   * carries no name (it travels in a URL), and the page reads no `app_metadata` — the gate's line for
   * the same login has it.
   */
  const note = (session: Session, fields: Omit<LogEntry, 'lib' | 'v' | 'trigger' | 'user_id'>) =>
    emit(
      withAuditFields('change-password-page', { ...fields, user_id: session.userId }, session.due === undefined ? { since: session.since } : { due: session.due }),
    );
  // One token store for the page's life: concurrent requests share one token request.
  const tokens = createMemoryTokenStore();
  const policies = new Map<string, { rules: PasswordRules; until: number }>();

  const openClient = () =>
    openManagementClient({
      caller: CALLER,
      domain: settings.domain,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      transport,
      tokens,
      requestTimeoutMs: 5_000,
      maxAttempts: 3,
      requestBudgetMs: 12_000,
      hint,
    });

  /** The connection's password rules: given, or read from Auth0 (and kept a while), in either shape. */
  async function rulesOf(connection: string): Promise<PasswordRules> {
    if (settings.rules !== undefined) return settings.rules;
    const known = policies.get(connection);
    if (known !== undefined && known.until > Date.now()) return known.rules;
    const { options: connectionOptions } = await (await openClient()).readConnection(connection);
    if (connectionOptions === undefined) {
      // Auth0 leaves `options` out for a token without read:connections_options: that is not "no policy".
      throw createManagementApiError(CALLER, {
        step: 'read connection',
        userId: undefined,
        connection,
        status: 200,
        attempts: 1,
        reason: 'no options (scope read:connections_options missing)',
        serverMessage: undefined,
        gaveUp: undefined,
        requiredScopes: ['read:connections_options'],
        hint: "grant the page's M2M application read:connections_options, or give the page passwordPolicy",
      });
    }
    // `password_options`, when there, wins over the legacy keys, as in Auth0.
    const rules = pageRulesOf(passwordRulesFromConnection(connectionOptions as Auth0PasswordOptions));
    policies.set(connection, { rules, until: Date.now() + POLICY_TTL_MS });
    return rules;
  }

  /** The session a token opens, or why not. Spent sessions are refused; nothing is claimed yet. */
  async function openSession(token: string | null, state: string | null): Promise<Session | SessionRefusal> {
    if (token === null || token === '') return 'missing';
    const verified = verifyHs256(token, settings.sessionSecret, Math.floor(Date.now() / 1000));
    if ('refused' in verified) return verified.refused === 'expired' ? 'expired' : 'invalid';
    const { claims, signedPart } = verified;
    const { sub, iss, exp, purpose, connection, host, since, locale, reason, due, sid } = claims;
    const sinceInstant = toIsoInstant(since);
    const dueInstant = toIsoInstant(due);
    if (
      purpose !== PAGE_SESSION_PURPOSE ||
      typeof sub !== 'string' ||
      sub === '' ||
      typeof connection !== 'string' ||
      typeof iss !== 'string' ||
      typeof host !== 'string' ||
      sinceInstant === undefined ||
      (due !== undefined && dueInstant === undefined)
    ) {
      return 'invalid';
    }
    // `iss` is the tenant's domain as Auth0 writes it, not where the user signs in: only `host` says that.
    const loginHost = host.toLowerCase();
    if (!allowedOrigins.has(loginHost)) return 'host-not-allowed';
    if (state === null || state.length === 0 || state.length > 2048) return 'no-state';
    const key = keyOf(signedPart);
    if (await settings.store.isSpent(key)) return 'used';
    return {
      key,
      userId: sub,
      issuer: iss,
      host: loginHost,
      connection,
      since: sinceInstant,
      due: dueInstant,
      sessionId: isAuth0SessionId(sid) ? sid : undefined,
      reason: typeof reason === 'string' ? reason : undefined,
      locale: typeof locale === 'string' ? locale : undefined,
      // As long as the token is accepted (its `exp` and the clock tolerance): a spent link stays spent.
      expiresAt: ((exp as number) + CLOCK_TOLERANCE_SECONDS) * 1000,
    };
  }

  function respond(status: number, body: string, nonce: string, limitForms = true): Response {
    return new Response(body, { status, headers: headers(nonce, limitForms) });
  }

  /** The page's language for a request: the session's locale, else (no session) the browser's. */
  const languageOf = (request: Request, session?: Session): PageLanguage => settings.languages(session?.locale, request.headers.get('accept-language'));

  function messagePage(status: number, message: keyof PageTexts, language: PageLanguage, nonce: string): Response {
    return respond(status, renderMessage(language.lang, nonce, language.text('title'), language.text(message)), nonce);
  }

  function refusalPage(refusal: SessionRefusal | 'locked', language: PageLanguage, nonce: string): Response {
    if (refusal === 'locked') return messagePage(429, 'locked', language, nonce);
    return messagePage(400, refusal === 'missing' ? 'missingLink' : 'expired', language, nonce);
  }

  /** What the form says went wrong with the last attempt. */
  interface Problems {
    readonly formError?: string;
    readonly passwordError?: PasswordError;
    readonly confirmError?: string;
  }

  /**
   * How long a claim lasts at most: past any one request (the Management API's deadline included), so
   * that a claim whose request never finished — a process killed mid-change, a claim the store made
   * after it timed out — leaves the link busy for this long, not until it expires.
   */
  const claimUntil = (expiresAt: number) => Math.min(expiresAt, Date.now() + CLAIM_LEASE_MS);
  /** Whether "Not now" is still open to this session: a warning whose deadline has not passed. */
  const mayWait = (session: Session): session is Session & { due: IsoInstant } => session.due !== undefined && Date.now() <= Date.parse(session.due);

  async function form(
    session: Session,
    language: PageLanguage,
    token: string,
    state: string,
    nonce: string,
    problems: Problems,
    status: number,
    email: string | undefined,
    signOutChecked = true,
  ): Promise<Response> {
    const rules = await rulesOf(session.connection);
    const { text } = language;
    const reasonText = session.reason !== undefined && Object.hasOwn(REASON_TEXTS, session.reason) ? text(REASON_TEXTS[session.reason] as keyof PageTexts) : text('intro');
    // A warning's text says until when; one whose deadline passed says why the user is here now.
    const why = session.due === undefined ? reasonText : mayWait(session) ? reasonText.replace('{date}', formatDeadline(session.due, language.lang)) : text('notNowTooLate');
    // The other sessions can be told apart from the login's only when the gate sent its session id.
    const signOut =
      settings.signOut === 'never' || session.sessionId === undefined
        ? undefined
        : settings.signOut === 'always'
          ? ({ mode: 'always', notice: text('signOutOthersAlways') } as const)
          : ({ mode: 'offer', label: text('signOutOthers'), checked: signOutChecked } as const);
    return respond(
      status,
      renderForm({
        lang: language.lang,
        nonce,
        title: text('title'),
        why,
        accountLabel: text('accountLabel'),
        passwordLabel: text('passwordLabel'),
        confirmLabel: text('confirmLabel'),
        showPassword: text('showPassword'),
        hidePassword: text('hidePassword'),
        rulesHeading: text('rulesHeading'),
        ruleMet: text('ruleMet'),
        ruleNotMet: text('ruleNotMet'),
        submit: text('submit'),
        email,
        rules: rulesShown(rules, settings.checkBreach !== undefined).map((rule) => {
          const check = checklistData(rule);
          return { text: describePasswordRule(rule, text), ...(check === undefined ? {} : { check }) };
        }),
        ...problems,
        sessionToken: token,
        state,
        minLength: rules.minLength,
        ...(signOut === undefined ? {} : { signOut }),
        ...(mayWait(session) ? { notNow: text('notNow') } : {}),
      }),
      nonce,
    );
  }

  /** The user, with `fields`, as Auth0 has them now. */
  async function readUser(session: Session, fields: readonly UserField[] = ACCOUNT_FIELDS): Promise<UserSnapshot> {
    return (await openClient()).readUser(session.userId, fields);
  }

  /** A read of the user that may fail: the failure is returned (Auth0 could not be asked), not thrown. */
  const tryReadUser = (session: Session, fields?: readonly UserField[]): Promise<UserSnapshot | ManagementApiError> =>
    readUser(session, fields).catch((error: unknown) => {
      if (error instanceof ManagementApiError) return error;
      throw error;
    });

  async function handleGet(request: Request, url: URL, nonce: string): Promise<Response> {
    const token = url.searchParams.get(SESSION_TOKEN_PARAMETER);
    const state = url.searchParams.get('state');
    const session = await openSession(token, state);
    if (typeof session === 'string') {
      log({ decision: 'refuse', reason: `session-${session}` });
      return refusalPage(session, languageOf(request), nonce);
    }
    const language = languageOf(request, session);
    // The account shown is read, not carried in the link: the link lands in logs and histories.
    const account = await readUser(session);
    if (changedSince(toIsoInstant(account.lastPasswordReset), session.since)) {
      note(session, { decision: 'refuse', reason: 'session-obligation-met' });
      return refusalPage('used', language, nonce);
    }
    // The dictionary the rules name starts loading now, so that the user's POST does not wait for it.
    const list = (await rulesOf(session.connection)).dictionary?.list;
    if (list !== undefined) void loadCommonPasswords(list).catch(() => {});
    note(session, { decision: 'show', reason: 'form' });
    return form(session, language, token as string, state as string, nonce, {}, 200, typeof account.email === 'string' ? account.email : undefined);
  }

  /**
   * The one `PATCH` of an attempt. After an answer that says nothing — a 5xx, a timeout, a broken
   * connection — the user is read again: a `last_password_reset` newer than the one read just before
   * means the password was set.
   */
  async function changePassword(session: Session, password: string, before: IsoInstant | undefined): Promise<ChangeOutcome> {
    try {
      const after = await (await openClient()).setPassword(session.userId, password, session.connection);
      return { outcome: 'changed', at: parseIsoTime(after.lastPasswordReset) ?? Date.now() };
    } catch (error) {
      if (!(error instanceof ManagementApiError)) throw error;
      const refused = error.status === 400 ? /^(Password\w+Error): /.exec(error.serverMessage ?? '')?.[1] : undefined;
      if (refused !== undefined && Object.hasOwn(AUTH0_REFUSALS, refused)) return { outcome: 'refused', error: refused as Auth0Refusal };
      const detail = `${error.step}: ${error.reason}`;
      // A 4xx other than a refusal, or a 429 past its retries: Auth0 did nothing.
      if (error.status !== undefined && error.status < 500) return { outcome: 'unavailable', detail };
      const now = await readUser(session).catch(() => undefined);
      const changedAt = toIsoInstant(now?.lastPasswordReset);
      if (changedAt !== undefined && (before === undefined || changedAt > before)) {
        return { outcome: 'changed', at: parseIsoTime(changedAt) as number };
      }
      return { outcome: 'unavailable', detail: now === undefined ? `${detail}; reading the user back failed too` : detail };
    }
  }

  async function handlePost(request: Request, nonce: string): Promise<Response> {
    // The session token in the body is what stops a cross-site POST; a browser that says so is
    // turned away before it is read.
    if (request.headers.get('sec-fetch-site') === 'cross-site') {
      log({ decision: 'refuse', reason: 'cross-site' });
      return messagePage(403, 'expired', languageOf(request), nonce);
    }
    const fields = await readForm(request);
    if (fields === 'too-large') {
      log({ decision: 'refuse', reason: 'body-too-large', detail: `over ${MAX_BODY_BYTES} bytes` });
      return messagePage(413, 'unavailable', languageOf(request), nonce);
    }
    const token = fields === 'not-a-form' ? null : fields.get(SESSION_TOKEN_PARAMETER);
    const state = fields === 'not-a-form' ? null : fields.get('state');
    const session = await openSession(token, state);
    if (typeof session === 'string') {
      log({ decision: 'refuse', reason: `session-${session}` });
      return refusalPage(session, languageOf(request), nonce);
    }
    const { key, expiresAt } = session;
    const language = languageOf(request, session);
    const { text } = language;
    if ((fields as URLSearchParams).get('action') === 'not-now') return notNow(session, language, token as string, state as string, nonce);
    const password = (fields as URLSearchParams).get('password') ?? '';
    const confirm = (fields as URLSearchParams).get('confirm') ?? '';
    // The checkbox as the user left it: a form sent without it (unticked) ends nothing.
    const signOutAsked = settings.signOut === 'always' || (settings.signOut === 'offer' && (fields as URLSearchParams).get('sign_out_others') === 'yes');
    const again = (problems: Problems, status: number, email?: unknown) =>
      form(session, language, token as string, state as string, nonce, problems, status, typeof email === 'string' ? email : undefined, signOutAsked);
    const unavailable = () => again({ formError: text('unavailable') }, 503);

    /** Locks the session when `attempts` reached the limit; `undefined` when it did not. */
    const lockAt = async (attempts: number): Promise<Response | undefined> => {
      if (attempts < settings.maxAttempts) return undefined;
      await settings.store.spend(key, expiresAt);
      note(session, { decision: 'refuse', reason: 'session-locked', detail: `after ${attempts} failed attempts` });
      return refusalPage('locked', language, nonce);
    };
    /** A password the page itself refuses: counted; past the limit the session is locked. */
    const refuse = async (reason: string, detail: string, problems: Problems, email?: unknown): Promise<Response> => {
      const locked = await lockAt(await settings.store.countAttempt(key, 1, expiresAt));
      if (locked !== undefined) return locked;
      note(session, { decision: 'refuse', reason, detail });
      return again(problems, 400, email);
    };

    const rules = await rulesOf(session.connection);
    // The personal-data rule needs the user's profile: read before anything is claimed or counted.
    let owner: PasswordOwner | undefined;
    let email: unknown;
    if (rules.profileFields !== undefined) {
      const profile = await tryReadUser(session, ['email', ...profileFieldsToRead(rules)]);
      if (profile instanceof ManagementApiError) {
        note(session, { decision: 'fail', reason: 'read-user-failed', detail: `${profile.step}: ${profile.reason}` });
        return unavailable();
      }
      owner = ownerOf(profile);
      email = profile.email;
    }
    /** A broken rule in words; past 72 bytes on a connection that would cut the password, `tooLong`. */
    const reasonOf = (rule: PasswordRule) => (rule.id === 'max-bytes' && rules.maxLengthExceeded !== 'error' ? text('tooLong') : describePasswordRule(rule, text));
    // Every rule at once, the breach check with them: a refusal names each rule the password broke.
    const [broken, breach] = await Promise.all([brokenRules(password, rules, owner), settings.checkBreach?.(password)]);
    if (breach?.verdict === 'breached') broken.push({ id: 'not-breached' });
    const mismatch = password !== confirm;
    if (broken.length > 0 || mismatch) {
      const reason = broken.some((rule) => rule.id !== 'not-breached') ? 'password-policy' : broken.length > 0 ? 'password-breached' : 'password-mismatch';
      return refuse(
        reason,
        [...broken.map((rule) => rule.id), ...(mismatch ? ['mismatch'] : [])].join(', '),
        {
          ...(broken.length > 0 ? { passwordError: { intro: text('passwordRefused'), rules: broken.map((rule) => reasonOf(rule)) } } : {}),
          ...(mismatch ? { confirmError: text('mismatch') } : {}),
        },
        email,
      );
    }
    if (breach?.verdict === 'unavailable') {
      // Not the user's failure: nothing counted. `onUnavailable` decides, and the log says which way.
      const detail = `${breach.reason}; onUnavailable: ${breach.allowed ? 'allow' : 'refuse'}`;
      if (!breach.allowed) {
        note(session, { decision: 'refuse', reason: 'breach-check-unavailable', detail });
        return again({ passwordError: { message: text('breachCheckUnavailable') } }, 503, email);
      }
      note(session, { decision: 'warn', reason: 'breach-check-unavailable', detail });
    }

    // Claimed before Auth0 is asked: one change in flight per session, on every instance.
    if (!(await settings.store.claim(key, claimUntil(expiresAt)))) {
      note(session, { decision: 'refuse', reason: 'session-busy' });
      return again({ formError: text('busy') }, 409, email);
    }
    let spent = false;
    try {
      // Counted before Auth0 answers, so no burst of guesses outruns the limit.
      const attempts = await settings.store.countAttempt(key, 1, expiresAt);
      if (attempts > settings.maxAttempts) {
        spent = true;
        return (await lockAt(attempts)) as Response;
      }
      // A second line that needs no store: a session whose obligation is met set its password already.
      const before = await tryReadUser(session);
      if (before instanceof ManagementApiError) {
        // Auth0 could not be asked: not the user's failure, and nothing was set.
        await settings.store.countAttempt(key, -1, expiresAt);
        note(session, { decision: 'fail', reason: 'set-password-failed', detail: `${before.step}: ${before.reason}` });
        return unavailable();
      }
      const lastReset = toIsoInstant(before.lastPasswordReset);
      if (changedSince(lastReset, session.since)) {
        await settings.store.spend(key, expiresAt);
        spent = true;
        note(session, { decision: 'refuse', reason: 'session-obligation-met' });
        return refusalPage('used', language, nonce);
      }
      const change = await changePassword(session, password, lastReset);
      if (change.outcome === 'unavailable') {
        // Auth0's failure, not the user's: the attempt is given back.
        await settings.store.countAttempt(key, -1, expiresAt);
        note(session, { decision: 'fail', reason: 'set-password-failed', detail: change.detail });
        return again({ formError: text('unavailable') }, 503, before.email);
      }
      if (change.outcome === 'refused') {
        const locked = await lockAt(attempts);
        if (locked !== undefined) {
          spent = true;
          return locked;
        }
        note(session, { decision: 'refuse', reason: 'password-refused-by-auth0', detail: change.error });
        return again({ passwordError: { message: text(AUTH0_REFUSALS[change.error]) } }, 400, before.email);
      }
      // The password is set: that is said first, whatever the store answers next.
      note(session, { decision: 'change', reason: 'password-changed' });
      // Spent: this session cannot set a password again, here or on any other instance. A store that
      // fails here gets the claim back below; another try with the link then meets the change it made
      // (session-obligation-met), and this user goes on.
      spent = await Promise.resolve(settings.store.spend(key, expiresAt)).then(() => true, () => false);
      if (!spent) note(session, { decision: 'warn', reason: 'store-spend-failed' });
      // After the change, never before: whatever becomes of the sign-out, the password stays set.
      const signOut = signOutAsked ? await signOutOthers(session) : undefined;
      if (signOut?.outcome === 'ended') {
        const rest = signOut.more ? '; Auth0 listed more than one page: the rest remain' : '';
        note(session, { decision: 'change', reason: 'other-sessions-ended', detail: `${signOut.count} ended, the login's kept${rest}` });
      } else if (signOut?.outcome === 'failed') {
        note(session, { decision: 'warn', reason: 'sign-out-failed', detail: signOut.detail });
      }
      return wayBack(session, language, state as string, nonce, { changedAt: change.at }, signOut?.outcome === 'failed');
    } finally {
      // The claim is given back unless the session is spent: the user may try again. A store that
      // fails here keeps the claim until the link expires: fail closed, the user signs in again.
      if (!spent) await settings.store.release(key).catch(() => {});
    }
  }

  /**
   * "Not now" in a warning session: the session is spent (one answer per link) and the browser goes
   * back to `/continue` with a signed "skipped" answer, which the gate accepts only while its decision
   * does not stop the login (still a warning, or nothing due any more). Past the deadline — or in a session that is no warning — the form asks for a new
   * password instead. Nothing is counted: this is no failed attempt.
   */
  async function notNow(session: Session, language: PageLanguage, token: string, state: string, nonce: string): Promise<Response> {
    const { text } = language;
    if (!mayWait(session)) {
      note(session, { decision: 'refuse', reason: session.due === undefined ? 'not-now-not-a-warning' : 'not-now-too-late' });
      return form(session, language, token, state, nonce, { formError: text('notNowTooLate') }, 400, undefined);
    }
    if (!(await settings.store.claim(session.key, claimUntil(session.expiresAt)))) {
      note(session, { decision: 'refuse', reason: 'session-busy' });
      return form(session, language, token, state, nonce, { formError: text('busy') }, 409, undefined);
    }
    await settings.store.spend(session.key, session.expiresAt);
    note(session, { decision: 'skip', reason: 'not-now' });
    return wayBack(session, language, state, nonce, 'skipped');
  }

  /**
   * Ends the user's sessions but the login's own, each with its refresh tokens: Auth0's
   * `revoke-access` takes one `session_id` to revoke, none to keep, so the page lists the sessions
   * and revokes the others one by one. Auth0 answers 202 and acts soon after. Never throws: a failure
   * (a missing scope, a plan without session management) is returned, and the password stays set.
   */
  async function signOutOthers(session: Session): Promise<SignOutOutcome | undefined> {
    if (session.sessionId === undefined) {
      // The gate sends `event.session.id` when Auth0 gives one; without it the login's session cannot be told apart.
      note(session, { decision: 'warn', reason: 'sign-out-not-possible', detail: 'the login has no session id (event.session.id)' });
      return undefined;
    }
    try {
      const client = await openClient();
      const { sessionIds, more } = await client.listSessionIds(session.userId);
      const others = sessionIds.filter((id) => id !== session.sessionId);
      for (const id of others) await client.revokeAccess(session.userId, id);
      return { outcome: 'ended', count: others.length, more };
    } catch (error) {
      return { outcome: 'failed', detail: detailOf(error) };
    }
  }

  /**
   * The page that sends the browser back to `/continue` on the login's host, with the page's token:
   * when the password changed, or that the user chose "Not now". After a sign-out that failed, it
   * says so and waits for the user's button.
   */
  function wayBack(session: Session, language: PageLanguage, state: string, nonce: string, answer: { readonly changedAt: number } | 'skipped', signOutFailed = false): Response {
    const now = Math.floor(Date.now() / 1000);
    const back = signHs256(
      {
        sub: session.userId,
        iss: session.issuer,
        iat: now,
        exp: now + CONTINUE_TOKEN_SECONDS,
        state,
        ...(answer === 'skipped'
          ? { purpose: PASSWORD_CHANGE_SKIPPED_PURPOSE }
          : { purpose: PASSWORD_CHANGED_PURPOSE, password_changed_at: formatIsoTime(answer.changedAt) as string }),
      },
      settings.sessionSecret,
    );
    const { text } = language;
    const message = answer === 'skipped' ? text('notNowDone') : signOutFailed ? text('signOutFailed') : text('done');
    const continueUrl = `${allowedOrigins.get(session.host) as string}/continue?state=${encodeURIComponent(state)}`;
    return respond(200, renderContinue(language.lang, nonce, text('title'), message, text('continue'), continueUrl, back, !signOutFailed), nonce, false);
  }

  const changePasswordPage = async function changePasswordPage(request: Request): Promise<Response> {
    const nonce = randomBytes(16).toString('base64');
    try {
      const url = new URL(request.url);
      if (request.method === 'GET' || request.method === 'HEAD') return await handleGet(request, url, nonce);
      if (request.method === 'POST') return await handlePost(request, nonce);
      const refused = respond(405, renderMessage('en', nonce, 'Method Not Allowed', 'Method Not Allowed'), nonce);
      refused.headers.set('allow', 'GET, HEAD, POST');
      return refused;
    } catch (error) {
      // Never a stack trace: a plain page, and the details (without a secret) in the log.
      if (error instanceof SessionStoreError) {
        // Fail closed: no password was set (nothing is set before the store answers), and the user may try again.
        log({ decision: 'fail', reason: 'store-unavailable', detail: error.message });
        return messagePage(503, 'unavailable', languageOf(request), nonce);
      }
      // The step and the reason first: a log line is short, and the hint is in the error's fields.
      const detail = detailOf(error);
      log({ decision: 'fail', reason: 'internal-error', detail });
      return messagePage(500, 'unavailable', languageOf(request), nonce);
    }
  };
  return Object.defineProperty(changePasswordPage, 'name', { value: 'changePasswordPage' });
}
