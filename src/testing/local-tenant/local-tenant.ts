import type { LocalTenantActions, PostChangePasswordHandlers, PostLoginHandlers } from './bound-actions.js';
import type { ConnectionStore } from './connection-store.js';
import type { FaultInjector } from './fault-injector.js';
import type { RecordedRequest, RequestCounts } from './request-log.js';
import type { ResetEmail } from './reset-email-outbox.js';
import type { ContinueLoginOptions, LoginOutcome, RunLoginOptions } from './run-login.js';
import type { PasswordChangeRun, RunPasswordChangeOptions } from './run-password-change.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

/*
 * What a running local tenant is, as users see it: the object `startLocalTenant` returns
 * (./start-local-tenant.ts builds it; ./local-tenant-options.ts holds its options).
 */

/**
 * A machine-to-machine application of a local tenant: what its token endpoint accepts.
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = tenant.addClient({ scopes: ['update:users'] });
 * ```
 */
export interface LocalTenantClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/**
 * The secrets an Action needs to reach the tenant's Management API, named as this library expects them.
 *
 * @example
 * ```ts
 * const event = buildPostChangePasswordEvent({ secrets: tenant.secrets }); // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
 * ```
 */
// (A type alias, not an interface, so it can stand where `event.secrets`, a string record, is expected.)
export type LocalTenantSecrets = {
  readonly AUTH0_DOMAIN: string;
  readonly AUTH0_CLIENT_ID: string;
  readonly AUTH0_CLIENT_SECRET: string;
};

/**
 * A running stand-in for an Auth0 tenant: the token endpoint, the Management API (users and
 * connections) and `/dbconnections/change_password`, with the users, connections and clock behind
 * them in the same process. At heart it is a Web-standard handler ({@link LocalTenantCore.handle});
 * {@link LocalTenantCore.fetch} calls it in process, and a listener on `127.0.0.1` serves it over HTTP
 * for clients that need a socket.
 *
 * @example
 * ```ts
 * const tenant: LocalTenant = await startLocalTenant();
 * const response = await tenant.fetch(`https://${tenant.domain}/api/v2/users`); // 401: no token
 * await tenant.close();
 * ```
 */
export interface LocalTenantCore {
  /** `127.0.0.1:<port>`: what goes into the `AUTH0_DOMAIN` secret. */
  readonly domain: string;
  /** `http://127.0.0.1:<port>`: the HTTP listener, for clients that need a real socket. */
  readonly origin: string;
  /**
   * The transport to give the `auth0` SDK (its `fetch` option) or any code under test. It hands
   * `https://<domain>/…` (or `http://`), and the links of users exports (on a second host of the
   * tenant, as Auth0's are on a CDN), to the tenant in process — no socket — and rejects every other
   * host with a `TypeError`, redirects to another host included, so no request can leave the machine.
   * It behaves as `fetch`: an abort signal ends a request (a hanging one too), a dropped connection is
   * `TypeError: fetch failed`.
   */
  readonly fetch: typeof globalThis.fetch;
  /**
   * The tenant itself, as a Web-standard handler: `(request: Request) => Promise<Response>`. Mount it
   * behind any server that speaks Fetch (the HTTP listener at {@link LocalTenantCore.origin} is one).
   */
  readonly handle: (request: Request) => Promise<Response>;
  /** The M2M client id the token endpoint accepts. */
  readonly clientId: string;
  /** The M2M client secret the token endpoint accepts. */
  readonly clientSecret: string;
  /**
   * Adds another machine-to-machine application with its own scopes — say the change-password page's
   * (`update:users`, `read:connections`, `read:connections_options`) next to the clearer's narrower
   * one — and returns its credentials for the token endpoint.
   *
   * @example
   * ```ts
   * const page = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
   * createChangePasswordPage({ domain: tenant.domain, clientId: page.clientId, clientSecret: page.clientSecret, … });
   * ```
   *
   * @throws OptionsError when `scopes` is missing or not an array of scope names.
   */
  addClient(options: { readonly scopes: readonly string[] }): LocalTenantClient;
  /** `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET` for `event.secrets`. */
  readonly secrets: LocalTenantSecrets;
  /** The tenant's users. */
  readonly users: UserStore;
  /** The tenant's connections. */
  readonly connections: ConnectionStore;
  /**
   * The users' sessions and refresh tokens, which the Management API's revoke endpoints end (scopes
   * `read:sessions`, `delete:sessions`, `delete:refresh_tokens`; routes `listSessions`, `revokeAccess`, `deleteSessions`,
   * `deleteRefreshTokens`, counted by the rate limit).
   */
  readonly sessions: SessionStore;
  /** Makes the tenant fail on purpose: rate limits, server errors, hung and dropped connections. */
  readonly faults: FaultInjector;
  /** A copy of every HTTP request since the start or the last {@link LocalTenantCore.resetCounts}, in order. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests reached each route. */
  counts(): RequestCounts;
  /** Forgets every recorded request, so {@link LocalTenantCore.counts} starts again from zero. */
  resetCounts(): void;
  /** Invalidates every access token issued so far (they get 401), as when a client secret is rotated. */
  revokeTokens(): void;
  /**
   * The current tenant time: the system clock (so a test's fake `Date`, `vi.setSystemTime`, moves it
   * together with the handlers' clock), never repeating a millisecond.
   */
  now(): Date;
  /**
   * Runs a login of this user through a post-login Action (or the Actions of a flow, in order) — a
   * handler, or a module as its file exports it (`require('./actions/post-login.js')`), as
   * {@link LocalTenantCore.bindActions} takes them — the way Auth0 does:
   * - the login is counted first: `event.stats.logins_count` is `1` at the first login, and denied
   *   logins count too;
   * - `event` is built from the store: the user (metadata, `created_at`, `last_password_reset`,
   *   identities), the user's connection, `transaction.protocol` and `locale`, `request.hostname`
   *   (the tenant domain), `client`, `tenant` and `secrets`;
   * - `api.user.setAppMetadata(key, value)` writes are batched and saved once after the last handler,
   *   on a deny too (`null` deletes the key); later handlers see them in `event.user.app_metadata`;
   * - `api.access.deny(reason)` stops the flow after the current handler;
   * - a handler that throws ends the login with `error: 'Extensibility Error'`, and nothing is saved;
   * - `api.cache` is the post-login trigger's, shared by every run of it on the tenant (not with
   *   post-change-password), with Auth0's limits; the `api` carries {@link LocalTenantCore.fetch}
   *   as its transport, so the gate's `sendResetEmail` reaches this tenant without a `fetch` option;
   * - `api.redirect.sendUserTo` suspends the flow after the current handler (the outcome's `redirect`);
   *   MFA requests are recorded in `apiCalls` and treated as met.
   *
   * @example
   * ```ts
   * const gate = createFirstLoginGate({ log: false });
   * const user = tenant.users.create({ email: 'ada@example.com' });
   * const first = await tenant.runLogin(user.user_id, gate);
   * first.deniedWith; // 'Please reset your password!'
   * first.user.app_metadata.needsPasswordReset; // true
   * ```
   *
   * Rejects, before the login is counted, with an `OptionsError` naming every malformed handler and
   * option, or an Error when the user is unknown.
   */
  runLogin(userId: string, handlers: PostLoginHandlers, options?: RunLoginOptions): Promise<LoginOutcome>;
  /**
   * Resumes a login that a handler suspended with `api.redirect.sendUserTo`, as the browser's return to
   * `https://{domain}/continue?state=…` does: the redirecting Action's `onContinuePostLogin` (a property
   * of its handler) runs with the same login's event — the metadata saved before the redirect included —
   * and a new `event.request` (the `/continue` request: `state` in the query, `options.body` in the body,
   * which `api.redirect.validateToken` reads); then the Actions after it run their `onExecutePostLogin`.
   * The login is not counted again. Each `state` resumes once.
   *
   * @example
   * ```ts
   * const redirected = await tenant.runLogin(user.user_id, gate);
   * const token = signedByThePage(redirected.redirect!); // what the page sends back
   * const resumed = await tenant.continueLogin(redirected.redirect!.state, { body: { session_token: token } });
   * resumed.allowed; // true
   * ```
   *
   * @throws OptionsError naming every option that is unknown or malformed; Error when no login waits for
   * `state` (Auth0 answers `invalid_request`).
   */
  continueLogin(state: string, options?: ContinueLoginOptions): Promise<LoginOutcome>;
  /**
   * Changes a database user's password, then runs the post-change-password Action(s) — handlers or
   * modules (`{ onExecutePostChangePassword }`) — the way Auth0
   * does: asynchronously, after the change, with an event that has no `app_metadata` and an `api` with
   * only `api.cache` (the post-change-password trigger's, shared by its runs) — and {@link LocalTenantCore.fetch} as
   * its transport, so the clearer reaches this tenant's Management API without a `fetch` option. A
   * failing handler does not undo the change. It returns at once; `await` its `completion` to wait for
   * the handlers.
   *
   * @example
   * ```ts
   * const clearer = createPasswordResetClearer({ log: false });
   * const result = await tenant.runPasswordChange(user.user_id, 'n3w-Passw0rd!', clearer).completion;
   * result.ok; // true: the flag is now false
   * ```
   *
   * @throws OptionsError, before anything changes, naming every malformed handler and option; Error when
   * the user is unknown or not a database user (social and enterprise users have no Auth0 password), or
   * the password does not meet the connection's password policy.
   */
  runPasswordChange(
    userId: string,
    newPassword: string,
    handlers: PostChangePasswordHandlers,
    options?: RunPasswordChangeOptions,
  ): PasswordChangeRun;
  /**
   * Binds Actions to the tenant's triggers, replacing those bound before (the option `actions` of
   * {@link startLocalTenant} binds the first ones). The tenant then runs them as Auth0 does:
   * - **post-login**, for every sign-in at `GET`/`POST /authorize` (a browser's: the tenant shows a
   *   sign-in form for database users and checks the password), through the same runner as
   *   {@link LocalTenantCore.runLogin}; the browser goes back to the application's `redirect_uri` with a
   *   `code` (redeem it at `POST /oauth/token`, `grant_type=authorization_code`, for an ID token and an
   *   access token for `GET /userinfo`) or with `error=access_denied&error_description=…`; an
   *   `api.redirect.sendUserTo` sends it to that page with `state` appended, and `GET`/`POST
   *   /continue?state=…` resumes the login there (as {@link LocalTenantCore.continueLogin});
   * - **post-change-password**, asynchronously, after every password set through `PATCH
   *   /api/v2/users/{id}` (see {@link LocalTenantCore.triggeredPasswordChanges}).
   *
   * A login suspended at a page keeps the Actions it started with.
   *
   * @example
   * ```ts
   * tenant.bindActions({
   *   postLogin: createFirstLoginGate({ changePasswordPage: { url: pageUrl } }), // carries onContinuePostLogin
   *   postChangePassword: createPasswordResetClearer(),
   *   secrets: { CHANGE_PASSWORD_PAGE_SECRET: pageKey },
   * });
   * const form = await tenant.fetch(`${tenant.origin}/authorize?client_id=${tenant.appClientId}&redirect_uri=${callback}&response_type=code`);
   * ```
   *
   * @throws OptionsError naming every Action that is neither a handler nor an Action module, and malformed secrets.
   */
  bindActions(actions: LocalTenantActions): void;
  /**
   * The post-change-password runs the tenant started itself, after a password set through
   * `PATCH /api/v2/users/{id}`, oldest first: `await` one's `completion` to wait for the bound Actions.
   */
  readonly triggeredPasswordChanges: readonly PasswordChangeRun[];
  /**
   * The client id of the tenant's application: every {@link LocalTenantCore.runLogin} event carries it as
   * `event.client.client_id`, `POST /dbconnections/change_password` accepts it, and it is the one
   * application that may sign users in at `/authorize` (a public client: no secret; PKCE when it sends
   * a `code_challenge`). Any absolute http(s) `redirect_uri` is accepted.
   */
  readonly appClientId: string;
  /**
   * Every "reset your password" email the tenant sent through `POST /dbconnections/change_password`
   * (the Authentication API endpoint the gate's `sendResetEmail` calls), oldest first. Like Auth0, the
   * endpoint answers 200 for unknown addresses but sends nothing, and answers 429 to a second request for
   * the same address within a minute.
   */
  readonly resetEmails: readonly ResetEmail[];
  /**
   * The user follows the link of a reset email and sets `newPassword`: the ticket is checked (it works
   * once, for 5 days) and then the change runs exactly as {@link LocalTenantCore.runPasswordChange} with
   * `by: 'user'`.
   *
   * @throws OptionsError, before the link is used, naming every malformed handler and option; Error when the
   * link is not one the tenant sent, was used already, or expired.
   */
  redeemResetLink(
    link: string,
    newPassword: string,
    handlers: PostChangePasswordHandlers,
    options?: Omit<RunPasswordChangeOptions, 'by'>,
  ): PasswordChangeRun;
  /**
   * Stops the tenant: hanging requests fail, later requests are refused, the HTTP listener closes.
   * Calling it again does nothing.
   */
  close(): Promise<void>;
}

// `Symbol.asyncDispose` exists only where the project's `lib` has it (esnext, es2024 with
// `esnext.disposable`, or @types/node). Keyed through a conditional type, the member is there for
// `await using` where the symbol is, and these declarations still compile where it is not.
type AsyncDisposeKey = SymbolConstructor extends { readonly asyncDispose: infer Key extends symbol } ? Key : never;

/**
 * The same as {@link LocalTenantCore.close}, for `await using tenant = await startLocalTenant()`.
 *
 * @example
 * ```ts
 * await using tenant = await startLocalTenant(); // closed at the end of the block
 * ```
 */
export type LocalTenantDisposal = { readonly [Key in AsyncDisposeKey]: () => Promise<void> };

/**
 * A running local tenant: see {@link LocalTenantCore}. Disposable with `await using`.
 *
 * @example
 * ```ts
 * await using tenant = await startLocalTenant();
 * const user = tenant.users.create({ email: 'ada@example.com' });
 * const outcome = await tenant.runLogin(user.user_id, createFirstLoginGate({ log: false }));
 * ```
 */
export type LocalTenant = LocalTenantCore & LocalTenantDisposal;
