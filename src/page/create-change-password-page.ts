import { createHash, randomBytes } from 'node:crypto';
import { describePasswordPolicy, minimumLength, passwordPolicyFromOptions, strengthProblem, type Auth0PasswordOptions, type PasswordPolicy } from '../auth0/password-policy.js';
import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { checkOptions } from '../internal/check-options.js';
import { signHs256, verifyHs256 } from '../internal/hs256-jwt.js';
import { createLogEmitter, defaultLogOption, type LogEntry } from '../internal/log.js';
import { isLoopbackHost } from '../internal/loopback.js';
import { PAGE_SESSION_PURPOSE, PASSWORD_CHANGED_PURPOSE, SESSION_TOKEN_PARAMETER } from '../internal/page-session.js';
import { selectMessage, type LocalizedMessage } from '../internal/select-message.js';
import { DOMAIN_EXPECTED, parseTenantDomain, type TenantDomain } from '../management/domain.js';
import { createManagementApiError, type FailureHint } from '../management/management-api-failure.js';
import { openManagementClient } from '../management/management-client.js';
import { createMemoryTokenStore } from '../management/token-store.js';
import { formatIsoTime, parseIsoTime } from '../obligation/time.js';
import { changePasswordPageOptionChecks, type ChangePasswordPageOptions } from './options.js';
import { DEFAULT_TEXTS, type PageTexts } from './page-texts.js';
import { renderContinue, renderForm, renderMessage } from './render-page.js';
import { createMemorySessionStore } from './used-sessions.js';

const CALLER = 'createChangePasswordPage';
/** How long the way back to `/continue` stays valid: a browser follows it at once. */
const CONTINUE_TOKEN_SECONDS = 60;
/** How long a connection's policy read from Auth0 is reused. */
const POLICY_TTL_MS = 5 * 60_000;
/** The largest form the page reads. */
const MAX_BODY_BYTES = 16 * 1024;
/** Auth0 (bcrypt) keeps 72 bytes of a password; a longer one is refused rather than cut. */
const MAX_PASSWORD_BYTES = 72;
/** What Auth0's 400 says when it refuses a password: `PasswordHistoryError: Password has previously been used`. */
const AUTH0_PASSWORD_REFUSAL = /^Password(?:Strength|History|Dictionary|NoUserInfo)Error: (.+)$/;

/** The page: a Web-standard request handler. */
export type ChangePasswordPage = (request: Request) => Promise<Response>;

/** What a valid session token says. */
interface Session {
  readonly key: string;
  readonly userId: string;
  readonly host: string;
  readonly connection: string;
  readonly email: string | undefined;
  readonly locale: string | undefined;
  readonly expiresAt: number;
}

type SessionRefusal = 'invalid' | 'expired' | 'used' | 'locked' | 'host-not-allowed' | 'no-state';

const hint: FailureHint = (failure) => {
  if (failure.status !== 403 || failure.step === 'get token') return undefined;
  const missing = failure.requiredScopes === undefined ? 'the scope it names' : `the ${failure.requiredScopes.join(' or ')} scope`;
  return `grant the page's M2M application ${missing}: the page needs update:users, and read:connections with read:connections_options unless passwordPolicy is given`;
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

/** The origin of a host's `/continue`: HTTPS, or plain HTTP for a loopback host (a local rehearsal). */
const originOf = (host: string) => `${isLoopbackHost(host.replace(/:\d+$/, '')) ? 'http' : 'https'}://${host}`;

/** A readable name for a session token in stores: its SHA-256, never the token. */
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The form's fields, read with a size limit. */
async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) return undefined;
  const text = await request.text();
  return Buffer.byteLength(text) > MAX_BODY_BYTES ? undefined : new URLSearchParams(text);
}

/**
 * Creates the change-password page: a Web-standard handler, `(request: Request) => Promise<Response>`,
 * that runs wherever `Request` and `Response` do — Node (with `createNodeListener`), Hono, a Next.js
 * route handler, Workers, Deno.
 *
 * The gate (`createFirstLoginGate({ changePasswordPage: { url } })`) sends a user here with a signed
 * `session_token`; Auth0 appends `state`. `GET` checks the token (HS256 with `sessionSecret` only,
 * `exp`, `sub`, `iss` among `allowedHosts`) and shows a form for the new password with the
 * connection's rules in words. `POST` checks the token again, the confirmation and the policy, sets the
 * password through the Management API (the official `auth0` SDK), shows Auth0's own refusal inline
 * (a weak password, password history), and sends the browser back to `https://{iss}/continue?state=…`
 * with a new token saying when the password changed; the gate's `onContinuePostLogin` takes it from
 * there. A session works once, and a few failed attempts lock it. No password, token or secret is
 * ever logged.
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
  const settings = {
    domain: domain satisfies TenantDomain,
    clientId: checked.clientId,
    clientSecret: checked.clientSecret,
    sessionSecret: checked.sessionSecret,
    allowedHosts: new Set((checked.allowedHosts ?? [domain.host]).map((host) => host.toLowerCase())),
    policy: checked.passwordPolicy === undefined ? undefined : ({ passwordPolicy: checked.passwordPolicy.level, ...(checked.passwordPolicy.minLength === undefined ? {} : { minLength: checked.passwordPolicy.minLength }) } satisfies PasswordPolicy),
    texts: { ...DEFAULT_TEXTS, ...checked.texts } as Readonly<Record<keyof PageTexts, LocalizedMessage>>,
    maxAttempts: checked.maxAttempts ?? 5,
    usedSessions: checked.usedSessions ?? createMemorySessionStore(),
    transport: checked.fetch,
  };
  const emit = createLogEmitter(checked.log ?? defaultLogOption(), 'change-password-page');
  // One token store for the page's life: concurrent requests share one token request.
  const tokens = createMemoryTokenStore();
  const policies = new Map<string, { policy: PasswordPolicy; until: number }>();

  const openClient = () =>
    openManagementClient({
      caller: CALLER,
      domain: settings.domain,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      transport: settings.transport ?? globalThis.fetch,
      tokens,
      requestTimeoutMs: 5_000,
      maxAttempts: 3,
      requestBudgetMs: 12_000,
      hint,
    });

  /** The connection's password policy: given, or read from Auth0 (and kept a while). */
  async function policyOf(connection: string): Promise<PasswordPolicy> {
    if (settings.policy !== undefined) return settings.policy;
    const known = policies.get(connection);
    if (known !== undefined && known.until > Date.now()) return known.policy;
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
    const policy = passwordPolicyFromOptions(connectionOptions as Auth0PasswordOptions);
    policies.set(connection, { policy, until: Date.now() + POLICY_TTL_MS });
    return policy;
  }

  /** The session a token opens, or why not. */
  async function openSession(token: string | null, state: string | null): Promise<Session | SessionRefusal> {
    if (token === null) return 'invalid';
    const verified = verifyHs256(token, settings.sessionSecret, Math.floor(Date.now() / 1000));
    if ('refused' in verified) return verified.refused === 'expired' ? 'expired' : 'invalid';
    const { claims } = verified;
    const { sub, iss, exp, purpose, connection, email, locale } = claims;
    if (purpose !== PAGE_SESSION_PURPOSE || typeof sub !== 'string' || typeof connection !== 'string' || typeof iss !== 'string') return 'invalid';
    if (!settings.allowedHosts.has(iss.toLowerCase())) return 'host-not-allowed';
    if (state === null || state.length === 0 || state.length > 2048) return 'no-state';
    const key = keyOf(token);
    if (await settings.usedSessions.isUsed(key)) return 'used';
    return {
      key,
      userId: sub,
      host: iss.toLowerCase(),
      connection,
      email: typeof email === 'string' ? email : undefined,
      locale: typeof locale === 'string' ? locale : undefined,
      expiresAt: (exp as number) * 1000,
    };
  }

  function respond(status: number, body: string, nonce: string, limitForms = true): Response {
    return new Response(body, { status, headers: headers(nonce, limitForms) });
  }

  const text = (key: keyof PageTexts, locale: string | undefined) => selectMessage(settings.texts[key], locale);
  const langOf = (locale: string | undefined) => (locale !== undefined && /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(locale) ? locale.replace('_', '-') : 'en');

  function refusalPage(refusal: SessionRefusal, locale: string | undefined, nonce: string): Response {
    const message = refusal === 'locked' ? text('locked', locale) : text('expired', locale);
    return respond(refusal === 'locked' ? 429 : 400, renderMessage(langOf(locale), nonce, text('title', locale), message), nonce);
  }

  async function form(session: Session, token: string, state: string, nonce: string, error: string | undefined, status = 200): Promise<Response> {
    const policy = await policyOf(session.connection);
    const { locale } = session;
    return respond(
      status,
      renderForm({
        lang: langOf(locale),
        nonce,
        title: text('title', locale),
        intro: text('intro', locale),
        accountLabel: text('accountLabel', locale),
        passwordLabel: text('passwordLabel', locale),
        confirmLabel: text('confirmLabel', locale),
        rulesHeading: text('rulesHeading', locale),
        submit: text('submit', locale),
        email: session.email,
        rules: describePasswordPolicy(policy),
        error,
        sessionToken: token,
        state,
        minLength: minimumLength(policy),
      }),
      nonce,
    );
  }

  const log = (fields: Omit<LogEntry, 'lib' | 'v' | 'trigger'>) => emit(fields);

  async function handleGet(url: URL, nonce: string): Promise<Response> {
    const token = url.searchParams.get(SESSION_TOKEN_PARAMETER);
    const state = url.searchParams.get('state');
    const session = await openSession(token, state);
    if (typeof session === 'string') {
      log({ decision: 'refuse', reason: `session-${session}` });
      return refusalPage(session, undefined, nonce);
    }
    log({ decision: 'show', reason: 'form', user_id: session.userId });
    return form(session, token as string, state as string, nonce, undefined);
  }

  async function handlePost(request: Request, nonce: string): Promise<Response> {
    // The session token in the body is what stops a cross-site POST; a browser that says so is
    // turned away before it is read.
    if (request.headers.get('sec-fetch-site') === 'cross-site') {
      log({ decision: 'refuse', reason: 'cross-site' });
      return respond(403, renderMessage('en', nonce, text('title', undefined), text('expired', undefined)), nonce);
    }
    const fields = await readForm(request);
    const token = fields?.get(SESSION_TOKEN_PARAMETER) ?? null;
    const state = fields?.get('state') ?? null;
    const session = await openSession(token, state);
    if (typeof session === 'string') {
      log({ decision: 'refuse', reason: `session-${session}` });
      return refusalPage(session, undefined, nonce);
    }
    const { locale } = session;
    const password = fields?.get('password') ?? '';
    const confirm = fields?.get('confirm') ?? '';

    /** A failed attempt: counted; past the limit the session is locked. */
    const retry = async (reason: string, message: string): Promise<Response> => {
      const failures = await settings.usedSessions.countFailure(session.key, session.expiresAt);
      if (failures >= settings.maxAttempts) {
        await settings.usedSessions.markUsed(session.key, session.expiresAt);
        log({ decision: 'refuse', reason: 'session-locked', user_id: session.userId, detail: `after ${failures} failed attempts` });
        return refusalPage('locked', locale, nonce);
      }
      log({ decision: 'refuse', reason, user_id: session.userId });
      return form(session, token as string, state as string, nonce, message, 400);
    };

    if (password !== confirm) return retry('password-mismatch', text('mismatch', locale));
    if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return retry('password-too-long', text('tooLong', locale));
    const problem = strengthProblem(password, await policyOf(session.connection));
    if (problem !== undefined) return retry('password-policy', problem);

    let changedAt: number;
    try {
      const after = await (await openClient()).setPassword(session.userId, password, session.connection);
      changedAt = parseIsoTime(after.lastPasswordReset) ?? Date.now();
    } catch (error) {
      const refusal = error instanceof ManagementApiError && error.status === 400 ? AUTH0_PASSWORD_REFUSAL.exec(error.serverMessage ?? '') : null;
      if (refusal !== null) return retry('password-refused-by-auth0', `${refusal[1] as string}.`.replace(/\.\.$/, '.'));
      log({ decision: 'fail', reason: 'set-password-failed', user_id: session.userId, detail: error instanceof ManagementApiError ? `${error.step}: ${error.reason}` : 'unexpected error' });
      return form(session, token as string, state as string, nonce, text('unavailable', locale), 503);
    }

    // Used up: the same link cannot set a password twice.
    await settings.usedSessions.markUsed(session.key, session.expiresAt);
    const now = Math.floor(Date.now() / 1000);
    const back = signHs256(
      {
        sub: session.userId,
        iss: session.host,
        iat: now,
        exp: now + CONTINUE_TOKEN_SECONDS,
        state,
        purpose: PASSWORD_CHANGED_PURPOSE,
        password_changed_at: formatIsoTime(changedAt) as string,
      },
      settings.sessionSecret,
    );
    const origin = originOf(session.host);
    log({ decision: 'change', reason: 'password-changed', user_id: session.userId });
    return respond(
      200,
      renderContinue(langOf(locale), nonce, text('title', locale), text('done', locale), text('continue', locale), `${origin}/continue?state=${encodeURIComponent(state as string)}`, back),
      nonce,
      false,
    );
  }

  const changePasswordPage = async function changePasswordPage(request: Request): Promise<Response> {
    const nonce = randomBytes(16).toString('base64');
    try {
      const url = new URL(request.url);
      if (request.method === 'GET' || request.method === 'HEAD') return await handleGet(url, nonce);
      if (request.method === 'POST') return await handlePost(request, nonce);
      const refused = respond(405, renderMessage('en', nonce, 'Method Not Allowed', 'Method Not Allowed'), nonce);
      refused.headers.set('allow', 'GET, HEAD, POST');
      return refused;
    } catch (error) {
      // Never a stack trace: a plain page, and the details (without a secret) in the log.
      // The step and the reason first: a log line is short, and the hint is in the error's fields.
      const detail = error instanceof ManagementApiError ? `${error.step}: ${error.reason}` : error instanceof Error ? error.name : 'non-error thrown';
      log({ decision: 'fail', reason: 'internal-error', detail });
      return respond(500, renderMessage('en', nonce, text('title', undefined), text('unavailable', undefined)), nonce);
    }
  };
  return Object.defineProperty(changePasswordPage, 'name', { value: 'changePasswordPage' });
}
