import { createHash, randomBytes } from 'node:crypto';
import { signHs256 } from '../../internal/jwt.js';
import { connectionKindOf } from '../connection-kind.js';
import type { ResolvedActions } from './bound-actions.js';
import { bearerTokenOf, parseParameters, type TenantRequest, type TenantResponse } from './http-messages.js';
import { errorPageResponse, loginFormResponse, outcomePageResponse, redirectResponse } from './login-pages.js';
import type { AuthorizeRequestView, ContinueLoginOptions, LoginOutcome, LoginSettings } from './run-login.js';
import type { PasswordChangeRun } from './run-password-change.js';
import type { PostChangePasswordActionHandler, PostLoginActionHandler } from './bound-actions.js';
import type { SessionRecords } from './session-store.js';
import type { TokenVerdict } from './token-issuer.js';
import type { TenantUser, UserRecords } from './user-store.js';

/**
 * Auth0's side of an interactive sign-in, as a browser meets it (auth0.com/docs/customize/actions/redirect-with-actions):
 *
 * - `GET /authorize?client_id&redirect_uri&response_type=code&state…` shows a sign-in form; its POST
 *   checks the password, counts the login and runs the bound post-login Actions through the tenant's
 *   one login runner; the browser then goes back to the application with a `code` or an `error`, or —
 *   when an Action called `api.redirect.sendUserTo` — to that page, with Auth0's `state` appended
 *   (the metadata written so far is saved first).
 * - `GET`/`POST /continue?state=…` resumes that login: the redirecting Action's `onContinuePostLogin`
 *   with this request as `event.request`, then the Actions after it, then the way back to the application.
 * - `POST /oauth/token` (`grant_type=authorization_code`) redeems the code for an ID token and an access
 *   token, and `GET /userinfo` answers with the user's profile for that access token.
 * - A password set through `PATCH /api/v2/users/{id}` runs the bound post-change-password Actions,
 *   asynchronously, as Auth0 does.
 */

/** The routes of the login flow; each is a {@link TenantRoute} of its own. */
export type LoginFlowRoute = 'authorize' | 'continue' | 'userinfo';

/** The login flow's route for a request, if it is one of its endpoints. */
export function resolveLoginFlowRoute(method: string, path: string): LoginFlowRoute | undefined {
  if (method !== 'GET' && method !== 'POST') return undefined;
  if (path === '/authorize') return 'authorize';
  if (path === '/continue') return 'continue';
  if (path === '/userinfo') return 'userinfo';
  return undefined;
}

/** What the login flow works with: the tenant's stores, its two trigger runners and the bound Actions. */
export interface LoginFlowContext {
  /** `127.0.0.1:<port>`. */
  readonly domain: string;
  /** The one application that may sign users in. */
  readonly appClientId: string;
  readonly users: UserRecords;
  /** The users' sessions: a sign-in opens one, and a login whose session was ended meanwhile cannot finish. */
  readonly sessions: SessionRecords;
  /** The tenant clock, in milliseconds. */
  readonly now: () => number;
  /** The Actions bound now. */
  readonly actions: () => ResolvedActions;
  /** The tenant's own secrets, under the bound Actions' `secrets`. */
  readonly tenantSecrets: Readonly<Record<string, string>>;
  readonly startLogin: (userId: string, flow: readonly PostLoginActionHandler[], settings: LoginSettings) => Promise<LoginOutcome>;
  readonly continueLogin: (state: string, options: ContinueLoginOptions) => Promise<LoginOutcome>;
  readonly isWaiting: (state: string) => boolean;
  readonly runPasswordChangeTrigger: (
    user: TenantUser,
    flow: readonly PostChangePasswordActionHandler[],
    secrets: Record<string, string | undefined>,
  ) => PasswordChangeRun;
}

/** The login flow's endpoints and hooks, for the request handler. */
export interface LoginFlow {
  /** Answers a request on one of the login flow's routes. */
  handle(route: LoginFlowRoute, request: TenantRequest): Promise<TenantResponse>;
  /** `POST /oauth/token` with `grant_type=authorization_code`. */
  redeemCode(parameters: ReadonlyMap<string, string>): TenantResponse;
  /** The verdict on an access token the code grant issued (for `/userinfo` and the request log). */
  verifyAccessToken(token: string): TokenVerdict;
  /** A password was set through the Management API: runs the post-change-password trigger. */
  passwordSet(userId: string): void;
  /** Every post-change-password run {@link LoginFlow.passwordSet} started, oldest first. */
  readonly triggeredPasswordChanges: readonly PasswordChangeRun[];
}

/** An `/authorize` request that passed validation: what the way back to the application needs. */
interface AuthorizationRequest extends AuthorizeRequestView {
  /** The session the sign-in opened, once the password was checked. */
  readonly sessionId?: string;
  readonly nonce: string | undefined;
  readonly codeChallenge: string | undefined;
  readonly locale: string;
}

interface IssuedCode {
  readonly userId: string;
  readonly request: AuthorizationRequest;
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  readonly expiresAt: number;
}

interface IssuedAccessToken {
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

const APP_NAME = 'Local Tenant App';
// RFC 6749 §4.1.2: a code lives 10 minutes at most, and is used once.
const CODE_LIFETIME_MS = 600_000;
// Auth0's defaults: access tokens 86,400 s, ID tokens 36,000 s.
const ACCESS_TOKEN_LIFETIME_SECONDS = 86_400;
const ID_TOKEN_LIFETIME_SECONDS = 36_000;
const WRONG_CREDENTIALS = 'Wrong email or password.';
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');
const splitList = (value: string | null) => (value ?? '').split(/\s+/).filter(Boolean);

/** The form fields of a request body (form-encoded or JSON), strings only; none when it is malformed. */
const formFields = (request: TenantRequest): Record<string, string> => Object.fromEntries(parseParameters(request) ?? []);

/** The language of the sign-in: `ui_locales` first, then the browser's first choice. */
function negotiateLocale(uiLocales: readonly string[], acceptLanguage: string | null): string {
  const [fromQuery] = uiLocales;
  if (fromQuery !== undefined) return fromQuery;
  const [first] = (acceptLanguage ?? '').split(',');
  const tag = first?.split(';')[0]?.trim();
  return tag !== undefined && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag) ? tag : 'en';
}

/** The application's callback with `parameters` added (`state` last, as Auth0 sends it). */
function callback(request: AuthorizationRequest, parameters: Readonly<Record<string, string>>): TenantResponse {
  const target = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(parameters)) target.searchParams.set(name, value);
  if (request.appState !== undefined) target.searchParams.set('state', request.appState);
  return redirectResponse(target.href);
}

const oauthError = (status: number, error: string, description: string): TenantResponse => ({
  status,
  headers: NO_STORE,
  body: { error, error_description: description },
});

/** Creates the login flow of a local tenant. */
export function createLoginFlow(context: LoginFlowContext): LoginFlow {
  // Logins suspended at an Action's page, by Auth0's `state`: where each goes back to afterwards.
  const suspendedAuthorizations = new Map<string, AuthorizationRequest>();
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedAccessToken>();
  const triggeredPasswordChanges: PasswordChangeRun[] = [];
  // ID tokens are signed with a key of this tenant alone. The application receives them straight from
  // the token endpoint, which OpenID Connect Core §3.1.3.7 lets it trust without checking the signature.
  const idTokenKey = randomBytes(32);

  /** The request, checked as Auth0 checks it; an error page when it cannot go back to an application. */
  function parseAuthorization(request: TenantRequest): AuthorizationRequest | TenantResponse {
    const query = request.url.searchParams;
    const clientId = query.get('client_id');
    if (clientId !== context.appClientId) {
      return errorPageResponse(400, 'invalid_request', clientId === null ? 'Missing required parameter: client_id' : 'Unknown client');
    }
    const redirectUri = query.get('redirect_uri');
    let target: URL | undefined;
    try {
      target = redirectUri === null ? undefined : new URL(redirectUri);
    } catch {
      target = undefined;
    }
    if (redirectUri === null || target === undefined || (target.protocol !== 'http:' && target.protocol !== 'https:') || target.hash !== '') {
      return errorPageResponse(400, 'invalid_request', 'Callback URL mismatch: redirect_uri must be an absolute http(s) URL without a fragment');
    }
    const uiLocales = splitList(query.get('ui_locales'));
    const authorization: AuthorizationRequest = {
      query: Object.fromEntries(query),
      redirectUri,
      appState: query.get('state') ?? undefined,
      scopes: splitList(query.get('scope') ?? 'openid'),
      uiLocales,
      nonce: query.get('nonce') ?? undefined,
      codeChallenge: query.get('code_challenge') ?? undefined,
      locale: negotiateLocale(uiLocales, request.headers.get('accept-language')),
    };
    if (query.get('response_type') !== 'code') {
      return callback(authorization, { error: 'unsupported_response_type', error_description: 'The local tenant supports response_type=code only' });
    }
    const method = query.get('code_challenge_method');
    if (authorization.codeChallenge !== undefined && method !== 'S256') {
      return callback(authorization, { error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
    }
    // There are no sessions here, so a login without a prompt cannot succeed.
    if (query.get('prompt') === 'none') return callback(authorization, { error: 'login_required', error_description: 'Login required' });
    return authorization;
  }

  /** The database user with this email, if any: only database users sign in with a password. */
  function databaseUserWith(email: string): TenantUser | undefined {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return undefined;
    return context.users.list().find(
      (user) => user.email?.toLowerCase() === wanted && user.identities.some((identity) => connectionKindOf(identity.provider) === 'database'),
    );
  }

  /** Where the browser goes once the flow has run: the application, or the page an Action chose. */
  function finish(outcome: LoginOutcome, request: AuthorizationRequest): TenantResponse {
    if (outcome.redirect !== undefined) {
      suspendedAuthorizations.set(outcome.redirect.state, request);
      return redirectResponse(outcome.redirect.url);
    }
    const userId = outcome.user.user_id;
    const { sessionId } = request;
    const sessionLives = sessionId !== undefined && context.sessions.list(userId).some((session) => session.id === sessionId);
    if (outcome.allowed && sessionId !== undefined && !sessionLives) {
      // The session was ended while the login was at an Action's page: there is no one to sign in.
      return callback(request, { error: 'login_required', error_description: 'The session of this login has ended' });
    }
    if (outcome.allowed) {
      const code = randomToken();
      const idTokenClaims = sessionId === undefined ? outcome.idTokenClaims : { sid: sessionId, ...outcome.idTokenClaims };
      codes.set(code, { userId, request, idTokenClaims, expiresAt: context.now() + CODE_LIFETIME_MS });
      return callback(request, { code });
    }
    // A login that did not finish leaves no session behind.
    if (sessionLives) context.sessions.revokeAccess(userId, { sessionId, preserveRefreshTokens: true });
    if (outcome.validationError !== undefined) {
      return callback(request, { error: outcome.validationError.errorCode, error_description: outcome.validationError.errorMessage });
    }
    // A deny, or an Action that threw (Auth0 then tells the application no more than that).
    return callback(request, { error: 'access_denied', error_description: outcome.deniedWith ?? outcome.error ?? 'Access denied' });
  }

  async function authorize(request: TenantRequest): Promise<TenantResponse> {
    const authorization = parseAuthorization(request);
    if (!('redirectUri' in authorization)) return authorization;
    const action = `/authorize${request.url.search}`;
    if (request.method === 'GET') return loginFormResponse({ action, clientName: APP_NAME });

    const { email = '', password = '' } = formFields(request);
    const user = databaseUserWith(email);
    if (user === undefined || !context.users.verifyPassword(user.user_id, password)) {
      return loginFormResponse({ action, clientName: APP_NAME, email, error: WRONG_CREDENTIALS });
    }
    if (user.blocked === true) return callback(authorization, { error: 'unauthorized', error_description: 'user is blocked' });

    const actions = context.actions();
    // The password is right: the sign-in opens a session, whose id the Actions see as `event.session.id`.
    const session = context.sessions.create(user.user_id);
    const signedIn: AuthorizationRequest = { ...authorization, sessionId: session.id };
    const outcome = await context.startLogin(user.user_id, actions.postLogin, {
      protocol: 'oidc-basic-profile',
      // The host the browser signs in on: the tenant's domain or its custom domain.
      hostname: request.url.host,
      locale: authorization.locale,
      secrets: { ...context.tenantSecrets, ...actions.secrets },
      authorize: signedIn,
      sessionId: session.id,
    });
    return finish(outcome, signedIn);
  }

  async function resume(request: TenantRequest): Promise<TenantResponse> {
    const state = request.url.searchParams.get('state');
    // Auth0 answers `invalid_request` when the state is missing or unknown (redirect-with-actions).
    if (state === null || state === '') return errorPageResponse(400, 'invalid_request', 'Missing required parameter: state');
    if (!context.isWaiting(state)) return errorPageResponse(400, 'invalid_request', 'No login is waiting for this state');
    const query = Object.fromEntries([...request.url.searchParams].filter(([name]) => name !== 'state'));
    const method = request.method === 'POST' ? 'POST' : 'GET';
    const outcome = await context.continueLogin(state, { method, query, body: method === 'POST' ? formFields(request) : {}, hostname: request.url.host });
    const authorization = suspendedAuthorizations.get(state);
    suspendedAuthorizations.delete(state);
    if (authorization !== undefined) return finish(outcome, authorization);
    // A login a test started with `runLogin`: there is no application to go back to.
    if (outcome.redirect !== undefined) return redirectResponse(outcome.redirect.url);
    return outcomePageResponse(outcome.allowed ? 'The login was allowed.' : `The login was denied: ${outcome.deniedWith ?? outcome.error ?? 'denied'}`);
  }

  function idTokenFor(user: TenantUser, code: IssuedCode): string {
    const issuedAt = Math.floor(context.now() / 1000);
    const { scopes, nonce } = code.request;
    return signHs256(
      {
        iss: `https://${context.domain}/`,
        aud: context.appClientId,
        iat: issuedAt,
        exp: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
        sub: user.user_id,
        ...(nonce === undefined ? {} : { nonce }),
        ...profileClaims(user, scopes),
        ...code.idTokenClaims,
      },
      idTokenKey,
    );
  }

  function redeemCode(parameters: ReadonlyMap<string, string>): TenantResponse {
    if (parameters.get('client_id') !== context.appClientId) return oauthError(401, 'access_denied', 'Unauthorized');
    const code = parameters.get('code') ?? '';
    const issued = codes.get(code);
    // Used once: a second attempt with the same code fails like an unknown one.
    codes.delete(code);
    if (issued === undefined || issued.expiresAt <= context.now()) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    if (parameters.get('redirect_uri') !== issued.request.redirectUri) {
      return oauthError(403, 'invalid_grant', 'The redirect_uri MUST match the one of the authorization request');
    }
    if (issued.request.codeChallenge !== undefined) {
      const verifier = parameters.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== issued.request.codeChallenge) {
        return oauthError(403, 'invalid_grant', 'Failed to verify code verifier');
      }
    }
    const user = context.users.get(issued.userId);
    if (user === undefined) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    const accessToken = randomToken(32);
    const { scopes } = issued.request;
    accessTokens.set(accessToken, { userId: user.user_id, scopes, expiresAt: context.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000 });
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        access_token: accessToken,
        id_token: idTokenFor(user, issued),
        scope: scopes.join(' '),
        expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
        token_type: 'Bearer',
      },
    };
  }

  function verifyAccessToken(token: string): TokenVerdict {
    const issued = accessTokens.get(token);
    if (issued === undefined) return { valid: false, reason: 'invalid' };
    if (issued.expiresAt <= context.now()) return { valid: false, reason: 'expired' };
    return { valid: true, scopes: new Set(issued.scopes) };
  }

  function userinfo(request: TenantRequest): TenantResponse {
    const bearer = bearerTokenOf(request.headers.get('authorization'));
    const issued = bearer === undefined ? undefined : accessTokens.get(bearer);
    const user = issued === undefined || issued.expiresAt <= context.now() ? undefined : context.users.get(issued.userId);
    if (issued === undefined || user === undefined) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: 'Unauthorized' };
    }
    return { status: 200, body: { sub: user.user_id, ...profileClaims(user, issued.scopes) } };
  }

  return {
    async handle(route, request) {
      switch (route) {
        case 'authorize':
          return authorize(request);
        case 'continue':
          return resume(request);
        case 'userinfo':
          return userinfo(request);
      }
    },
    redeemCode,
    verifyAccessToken,
    passwordSet(userId) {
      const user = context.users.get(userId);
      if (user === undefined) return;
      const actions = context.actions();
      const run = context.runPasswordChangeTrigger(user, actions.postChangePassword, { ...context.tenantSecrets, ...actions.secrets });
      triggeredPasswordChanges.push(run);
    },
    get triggeredPasswordChanges() {
      return [...triggeredPasswordChanges];
    },
  };
}

/** The claims the `profile` and `email` scopes grant, as Auth0 derives them for a database user. */
function profileClaims(user: TenantUser, scopes: readonly string[]): Record<string, unknown> {
  const { email } = user;
  return {
    ...(scopes.includes('profile')
      ? { name: email ?? user.user_id, nickname: email?.slice(0, email.indexOf('@')) ?? user.user_id, updated_at: user.updated_at }
      : {}),
    ...(scopes.includes('email') && email !== undefined ? { email, email_verified: user.email_verified } : {}),
  };
}
