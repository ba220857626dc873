import { createHash, randomBytes } from 'node:crypto';
import { checkOptions, type Check, type OptionChecks } from '../../internal/check-options.js';
import { escapeHtml } from '../../internal/escape-html.js';
import { isRecord } from '../../obligation/obligation.js';
import { serveOverHttp } from './serve-over-http.js';
import type { LocalTenantCore, LocalTenantDisposal } from './local-tenant.js';

/**
 * A sign-in the application completed: the claims of the ID token it received for a code.
 *
 * @example
 * ```ts
 * const [signIn] = app.signIns; // { sub: 'auth0|…', email: 'ada@example.com', claims }
 * ```
 */
export interface CompletedSignIn {
  readonly sub: string;
  readonly email: string | undefined;
  /** Every claim of the ID token. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * An error the tenant sent the application back with (`error`, `error_description`).
 *
 * @example
 * ```ts
 * app.signInErrors; // [{ error: 'access_denied', description: 'Please reset your password!' }]
 * ```
 */
export interface SignInError {
  readonly error: string;
  readonly description: string;
}

/**
 * Options of {@link startLocalApplication}.
 *
 * @example
 * ```ts
 * const app = await startLocalApplication(tenant, { name: 'Acme Portal' });
 * ```
 */
export interface LocalApplicationOptions {
  /** The name on its pages. @default 'Local Tenant App' */
  readonly name?: string;
  /**
   * Where it sends the browser to sign in: the tenant's custom domain as a browser reaches it, such as
   * `http://login.example.test` (a browser told to resolve that name to the tenant's listener). The
   * code is still redeemed at the tenant's own origin.
   * @default tenant.origin
   */
  readonly signInOrigin?: string;
}

/**
 * A small web application that signs users in with a local tenant, as a regular OpenID Connect client:
 * see {@link startLocalApplication}.
 *
 * @example
 * ```ts
 * await using app = await startLocalApplication(tenant);
 * await page.goto(app.origin); // "Sign in" → the tenant's form → back, signed in
 * ```
 */
export interface LocalApplication {
  /** `http://127.0.0.1:<port>`: its home page, with a "Sign in" link. */
  readonly origin: string;
  /** `<origin>/callback`: the `redirect_uri` it sends to `/authorize`. */
  readonly callbackUrl: string;
  /** The application as a Web-standard handler (the listener at {@link LocalApplication.origin} serves it). */
  readonly handle: (request: Request) => Promise<Response>;
  /** Every sign-in it completed, oldest first. */
  readonly signIns: readonly CompletedSignIn[];
  /** Every error the tenant sent it back with, oldest first. */
  readonly signInErrors: readonly SignInError[];
  /** Stops its listener. */
  close(): Promise<void>;
}

interface PendingSignIn {
  readonly verifier: string;
  readonly nonce: string;
}

const SESSION_COOKIE = 'local_app_session';
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

const random = () => randomBytes(24).toString('base64url');

function page(name: string, body: string, status = 200, headers: Record<string, string> = {}): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(name)}</title></head><body><main><h1>${escapeHtml(name)}</h1>${body}</main></body></html>`;
  return new Response(html, { status, headers: { ...PAGE_HEADERS, ...headers } });
}

/** The claims of a JWT, unchecked: the application got it straight from the token endpoint. */
function claimsOf(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

function sessionIdOf(request: Request): string | undefined {
  const cookies = request.headers.get('cookie') ?? '';
  return cookies.split(/;\s*/).find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
}

const nameCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || value === '') report('must be a non-empty string', value);
};

const signInOriginCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || !/^https?:\/\/[^/?#]+$/.test(value)) report('must be an origin such as "http://login.example.test"', value);
};

/** The checks of {@link LocalApplicationOptions}: one per option, typed against the interface. */
export const localApplicationOptionChecks: OptionChecks<LocalApplicationOptions> = {
  name: nameCheck,
  signInOrigin: signInOriginCheck,
};

/** Options that were removed, and what to do instead. */
const RETIRED_OPTIONS: Readonly<Record<string, string>> = {
  fetch: 'was removed: the application reaches the tenant’s token endpoint through tenant.fetch, in process',
};

/**
 * Starts a small web application on `127.0.0.1` that signs users in with `tenant` — the authorization
 * code flow with PKCE, `state` and `nonce`, as a real one would — so that a test or a person can go
 * through the tenant's sign-in, and the pages its Actions send users to, in a browser.
 *
 * - `GET /` shows "Sign in", or who is signed in, or why the last sign-in failed;
 * - `GET /login` sends the browser to the tenant's `/authorize`;
 * - `GET /callback` redeems the code at the tenant's `/oauth/token` and remembers the user in a cookie.
 *
 * @example
 * ```ts
 * await using tenant = await startLocalTenant({ actions: { postLogin: gate } });
 * await using app = await startLocalApplication(tenant);
 * console.log(`Open ${app.origin}`);
 * ```
 */
export async function startLocalApplication(
  tenant: Pick<LocalTenantCore, 'origin' | 'appClientId' | 'fetch'>,
  options: LocalApplicationOptions = {},
): Promise<LocalApplication & LocalTenantDisposal> {
  const { name = 'Local Tenant App', signInOrigin = tenant.origin } = checkOptions('startLocalApplication', localApplicationOptionChecks, options, RETIRED_OPTIONS);

  const pending = new Map<string, PendingSignIn>();
  const sessions = new Map<string, CompletedSignIn>();
  const signIns: CompletedSignIn[] = [];
  const signInErrors: SignInError[] = [];
  let origin = '';
  const callbackUrl = () => `${origin}/callback`;

  function home(request: Request): Response {
    const sessionId = sessionIdOf(request);
    const signedIn = sessionId === undefined ? undefined : sessions.get(sessionId);
    if (signedIn !== undefined) {
      const who = escapeHtml(signedIn.email ?? signedIn.sub);
      return page(name, `<p role="status" id="signed-in">Signed in as <strong>${who}</strong></p><p><a href="/logout">Sign out</a></p>`);
    }
    const failure = new URL(request.url).searchParams.get('failed');
    const last = failure === null ? undefined : signInErrors.at(-1);
    const error = last === undefined ? '' : `<p role="alert" id="sign-in-error">Sign-in failed: ${escapeHtml(last.description)}</p>`;
    return page(name, `${error}<p><a id="sign-in" href="/login">Sign in</a></p>`);
  }

  function login(): Response {
    const state = random();
    const verifier = random();
    const nonce = random();
    pending.set(state, { verifier, nonce });
    const authorize = new URL('/authorize', signInOrigin);
    authorize.search = new URLSearchParams({
      client_id: tenant.appClientId,
      redirect_uri: callbackUrl(),
      response_type: 'code',
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return new Response(null, { status: 302, headers: { location: authorize.href, 'cache-control': 'no-store' } });
  }

  async function callback(request: Request): Promise<Response> {
    const query = new URL(request.url).searchParams;
    const state = query.get('state') ?? '';
    const signIn = pending.get(state);
    pending.delete(state);
    if (signIn === undefined) return page(name, '<p role="alert">Unknown or reused state: start again from the home page.</p>', 400);
    const error = query.get('error');
    if (error !== null) {
      signInErrors.push({ error, description: query.get('error_description') ?? '' });
      return new Response(null, { status: 303, headers: { location: '/?failed=1' } });
    }
    const response = await tenant.fetch(new URL('/oauth/token', tenant.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: tenant.appClientId,
        code: query.get('code') ?? '',
        redirect_uri: callbackUrl(),
        code_verifier: signIn.verifier,
      }),
    });
    const tokens = (await response.json()) as { id_token?: unknown; error_description?: unknown };
    const claims = claimsOf(tokens.id_token);
    if (response.status !== 200 || claims === undefined || claims['nonce'] !== signIn.nonce || typeof claims['sub'] !== 'string') {
      signInErrors.push({ error: 'token_exchange_failed', description: `the token endpoint answered ${response.status}` });
      return new Response(null, { status: 303, headers: { location: '/?failed=1' } });
    }
    const completed: CompletedSignIn = {
      sub: claims['sub'],
      email: typeof claims['email'] === 'string' ? claims['email'] : undefined,
      claims,
    };
    signIns.push(completed);
    const sessionId = random();
    sessions.set(sessionId, completed);
    return new Response(null, {
      status: 303,
      headers: { location: '/', 'set-cookie': `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax` },
    });
  }

  async function handleLocalApplicationRequest(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method !== 'GET') return new Response('Method Not Allowed', { status: 405 });
    if (pathname === '/') return home(request);
    if (pathname === '/login') return login();
    if (pathname === '/callback') return callback(request);
    if (pathname === '/logout') {
      const sessionId = sessionIdOf(request);
      if (sessionId !== undefined) sessions.delete(sessionId);
      return new Response(null, { status: 303, headers: { location: '/', 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` } });
    }
    return new Response('Not Found', { status: 404 });
  }

  const listener = await serveOverHttp(handleLocalApplicationRequest);
  origin = `http://${listener.domain}`;
  const close = () => listener.close();
  const application: LocalApplication = {
    origin,
    callbackUrl: callbackUrl(),
    handle: handleLocalApplicationRequest,
    get signIns() {
      return [...signIns];
    },
    get signInErrors() {
      return [...signInErrors];
    },
    close,
  };
  // Disposable with `await using`, where the runtime has `Symbol.asyncDispose`, as the tenant is.
  const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
  if (asyncDispose !== undefined) Object.defineProperty(application, asyncDispose, { value: close });
  return application as LocalApplication & LocalTenantDisposal;
}
