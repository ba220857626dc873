import { randomBytes } from 'node:crypto';
import { createMemoryCache, type MemoryCache } from '../memory-cache.js';
import { isPlainObject } from '../metadata.js';
import { testingError, testingTypeError } from '../testing-error.js';
import { NO_ACTIONS, resolveActions, type LocalTenantActions, type ResolvedActions } from './bound-actions.js';
import { createConnectionStore, type ConnectionStore } from './connection-store.js';
import { createFaultQueue, type FaultInjector } from './fault-injector.js';
import { createLocalFetch } from './local-fetch.js';
import { createLoginFlow } from './login-flow.js';
import { createMonotonicClock } from './monotonic-clock.js';
import { createRequestHandler, type TenantRequestHandler } from './request-handler.js';
import { createRequestLog, type RecordedRequest, type RequestCounts } from './request-log.js';
import { createResetEmailOutbox, type ResetEmail } from './reset-email-outbox.js';
import {
  createLoginRunner,
  type ContinueLoginOptions,
  type LoginOutcome,
  type PostLoginHandlers,
  type RunLoginOptions,
} from './run-login.js';
import {
  createPasswordChangeRunner,
  type PasswordChangeRun,
  type PostChangePasswordHandlers,
  type RunPasswordChangeOptions,
} from './run-password-change.js';
import { serveOverHttp } from './serve-over-http.js';
import { createRateLimiter, RATE_LIMIT_PRESETS, type RateLimitPreset, type RateLimitSettings } from './rate-limiter.js';
import { createTokenIssuer } from './token-issuer.js';
import { LOCAL_TENANT_ID } from './trigger-context.js';
import { createUserStore, type UserStore } from './user-store.js';
import { createUsersExportJobs } from './users-export-jobs.js';
import { loadCommonPasswords } from '../../password/common-passwords.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import type { LocalTenantPlan } from './sessions-endpoint.js';

/**
 * Options of {@link startLocalTenant}.
 *
 * @example
 * ```ts
 * const tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'], tokenLifetimeSeconds: 60 });
 * ```
 */
export interface LocalTenantOptions {
  /** The id of the one machine-to-machine client the tenant accepts. @default a random id */
  readonly clientId?: string;
  /** That client's secret (more clients: {@link LocalTenantCore.addClient}). @default a random secret */
  readonly clientSecret?: string;
  /**
   * The scopes granted to that client; the Management API checks them per route as Auth0 does
   * (`read:users`, `update:users` or `update:users_app_metadata`, `read:connections`,
   * `read:connections_options`).
   * @default ['read:users', 'update:users']
   */
  readonly scopes?: readonly string[];
  /** How long an access token lives, in seconds. @default 86400 (Auth0's default) */
  readonly tokenLifetimeSeconds?: number;
  /**
   * The Management API's rate limit, a token bucket by the tenant clock: a plan's (`'free'`: 2 per
   * second, a burst of 2; `'enterprise'`: 16 per second, a burst of 50) or your own. Every
   * Management API response then carries `x-ratelimit-limit`, `-remaining` and `-reset`, and a
   * request that finds the bucket empty gets Auth0's 429 with `retry-after`. The token endpoint,
   * the export download and `/dbconnections/change_password` are not counted.
   * @default undefined — no limit, so tests stay fast
   */
  readonly rateLimit?: RateLimitPreset | RateLimitSettings;
  /**
   * How many `GET /api/v2/jobs/{id}` answers a users export stays unfinished — `pending`, then
   * `processing` — before it completes: the job's delay, counted in requests, not in time.
   * @default 2
   */
  readonly exportJobPolls?: number;
  /**
   * The Actions bound to the tenant's triggers, which it runs itself for a browser's sign-in at
   * `/authorize` and `/continue`, and for a password set through the Management API. Change them later
   * with {@link LocalTenantCore.bindActions}.
   * @default nothing bound: every sign-in is allowed
   */
  readonly actions?: LocalTenantActions;
  /**
   * A custom domain users sign in on, such as `login.example.test` (a host name, no port): requests to
   * `https://<customDomain>/…` through {@link LocalTenantCore.fetch}, and HTTP requests whose `Host` is
   * it, reach the tenant, and a sign-in there gets it as `event.request.hostname` — while Auth0's
   * `api.redirect.encodeToken` still signs the tenant's domain as `iss`, as Auth0 does. The
   * Management API stays on the tenant's domain, as Auth0's does.
   * @default undefined — no custom domain
   */
  readonly customDomain?: string;
  /**
   * The Auth0 plan the tenant plays. The session endpoints (`POST /api/v2/users/{id}/revoke-access`,
   * `DELETE /api/v2/users/{id}/sessions`, `DELETE /api/v2/users/{id}/refresh-tokens`) are Enterprise
   * only, as Auth0 documents them: on any other plan they answer 403.
   * @default 'enterprise'
   */
  readonly plan?: LocalTenantPlan;
}

/**
 * A machine-to-machine application of a local tenant: what its token endpoint accepts.
 *
 * @example
 * ```ts
 * const { clientId, clientSecret }: LocalTenantClient = tenant.addClient({ scopes: ['update:users'] });
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
 * The `api.cache` of each trigger: shared by every run of that trigger on the tenant, separate between triggers.
 *
 * @example
 * ```ts
 * tenant.caches.postChangePassword.clear(); // as Auth0 may drop entries at any time
 * ```
 */
export interface TriggerCaches {
  readonly postLogin: MemoryCache;
  readonly postChangePassword: MemoryCache;
}

/**
 * A running stand-in for an Auth0 tenant: the token endpoint, the Management API (users and
 * connections) and `/dbconnections/change_password`, with the users, connections and clock behind
 * them in the same process. At heart it is a Web-standard handler ({@link LocalTenantCore.handle});
 * {@link LocalTenantCore.fetch} calls it in process, and a listener on `127.0.0.1` serves it over HTTP
 * for clients that need a socket.
 *
 * @example
 * ```ts
 * const tenant: LocalTenantCore = await startLocalTenant();
 * const response = await tenant.fetch(`https://${tenant.domain}/api/v2/users`); // 401: no token
 * await tenant.close();
 * ```
 */
export interface LocalTenantCore {
  /** `127.0.0.1:<port>`: what goes into the `AUTH0_DOMAIN` secret. */
  readonly domain: string;
  /** `http://127.0.0.1:<port>`: the HTTP listener, for clients that need a real socket. */
  readonly origin: string;
  /** The `customDomain` option: another host users sign in on, or `undefined`. */
  readonly customDomain: string | undefined;
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
   * @throws TypeError when `scopes` is not an array of scope names.
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
   * `delete:sessions`, `delete:refresh_tokens`; routes `revokeAccess`, `deleteSessions`,
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
   * Each trigger's `api.cache`, as the runners hand it to handlers. Entries persist across runs, expire by
   * the tenant clock and keep Auth0's limits; `clear()` one to model Auth0 dropping entries.
   */
  readonly caches: TriggerCaches;
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
   * - `api.cache` is {@link LocalTenantCore.caches}`.postLogin`, and the `api` carries {@link LocalTenantCore.fetch}
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
   * Rejects, before the login is counted, when the user is unknown or an argument is malformed.
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
   * @throws Error when no login waits for `state` (Auth0 answers `invalid_request`), or an option is malformed.
   */
  continueLogin(state: string, options?: ContinueLoginOptions): Promise<LoginOutcome>;
  /**
   * Changes a database user's password, then runs the post-change-password Action(s) — handlers or
   * modules (`{ onExecutePostChangePassword }`) — the way Auth0
   * does: asynchronously, after the change, with an event that has no `app_metadata` and an `api` with
   * only `api.cache` ({@link LocalTenantCore.caches}`.postChangePassword`) — and {@link LocalTenantCore.fetch} as
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
   * @throws Error, before anything changes, when the user is unknown or not a database user (social and
   * enterprise users have no Auth0 password), the password does not meet the connection's password
   * policy, or an argument is malformed.
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
   * @throws TypeError when an Action is neither a handler nor an Action module, or the secrets are malformed.
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
   * @throws Error when the link is not one the tenant sent, was used already, or expired.
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

const DEFAULT_SCOPES: readonly string[] = ['read:users', 'update:users'];
const DEFAULT_TOKEN_LIFETIME_SECONDS = 86_400;
const DEFAULT_EXPORT_JOB_POLLS = 2;
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['clientId', 'clientSecret', 'scopes', 'tokenLifetimeSeconds', 'actions', 'rateLimit', 'exportJobPolls', 'customDomain', 'plan']);
/** A host name of two labels or more, without a port: what a custom domain is. */
const CUSTOM_DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PLANS: readonly LocalTenantPlan[] = ['free', 'essentials', 'professional', 'enterprise'];
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

interface Settings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  readonly tokenLifetimeSeconds: number;
  readonly actions: ResolvedActions;
  readonly rateLimit: RateLimitSettings | undefined;
  readonly exportJobPolls: number;
  readonly customDomain: string | undefined;
  readonly plan: LocalTenantPlan;
}

/** The `rateLimit` option, checked: a preset's settings, or the caller's. */
function resolveRateLimit(where: string, rateLimit: unknown): RateLimitSettings | undefined {
  if (rateLimit === undefined) return undefined;
  if (typeof rateLimit === 'string' && Object.hasOwn(RATE_LIMIT_PRESETS, rateLimit)) return RATE_LIMIT_PRESETS[rateLimit as RateLimitPreset];
  const { perSecond, burst } = (typeof rateLimit === 'object' && rateLimit !== null ? rateLimit : {}) as Partial<Record<string, unknown>>;
  const valid =
    typeof rateLimit === 'object' && rateLimit !== null && Object.keys(rateLimit).every((key) => key === 'perSecond' || key === 'burst') &&
    typeof perSecond === 'number' && Number.isFinite(perSecond) && perSecond > 0 && Number.isSafeInteger(burst) && (burst as number) >= 1;
  if (!valid) {
    const problem = `"options.rateLimit" must be "free", "enterprise" or { perSecond: <number above 0>, burst: <integer of at least 1> } (got ${JSON.stringify(rateLimit)})`;
    throw testingTypeError(where, problem);
  }
  return { perSecond: perSecond as number, burst: burst as number };
}

/** Checks the options once, without changing the caller's object. Secrets are never quoted back. */
function resolveSettings(options: LocalTenantOptions): Settings {
  const where = 'startLocalTenant';
  for (const key of Object.keys(options)) {
    if (key === 'now') {
      const problem = '"options.now" was removed: the tenant follows the system clock, so move it with your test runner\'s fake clock (vi.useFakeTimers({ toFake: [\'Date\'] }) and vi.setSystemTime(…)), which the handlers read too';
      throw testingTypeError(where, problem);
    }
    if (!KNOWN_OPTIONS.has(key)) {
      const known = [...KNOWN_OPTIONS].join(', ');
      throw testingTypeError(where, `unknown option "options.${key}"; the options are ${known}`);
    }
  }
  const {
    clientId = randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'),
    clientSecret = randomBytes(48).toString('base64url'),
    scopes = DEFAULT_SCOPES,
    tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
    exportJobPolls = DEFAULT_EXPORT_JOB_POLLS,
    actions,
    customDomain,
  } = options;
  if (customDomain !== undefined && (typeof customDomain !== 'string' || !CUSTOM_DOMAIN.test(customDomain))) {
    const problem = `"options.customDomain" must be a lowercase host name such as "login.example.test", without a scheme or a port (got ${JSON.stringify(customDomain)})`;
    throw testingTypeError(where, problem);
  }
  if (typeof clientId !== 'string' || !ALPHANUMERIC.test(clientId)) {
    const got = JSON.stringify(clientId);
    const problem = `"options.clientId" must be a non-empty string of letters and digits (got ${got})`;
    throw testingTypeError(where, problem);
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw testingTypeError(where, '"options.clientSecret" must be a non-empty string');
  }
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) {
    const got = JSON.stringify(scopes);
    const problem = `"options.scopes" must be an array of scope names without spaces (got ${got})`;
    throw testingTypeError(where, problem);
  }
  if (!Number.isSafeInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds < 1) {
    const got = JSON.stringify(tokenLifetimeSeconds);
    const problem = `"options.tokenLifetimeSeconds" must be a positive integer (got ${got})`;
    throw testingTypeError(where, problem);
  }
  if (!Number.isSafeInteger(exportJobPolls) || exportJobPolls < 0) {
    const problem = `"options.exportJobPolls" must be a non-negative integer (got ${JSON.stringify(exportJobPolls)})`;
    throw testingTypeError(where, problem);
  }
  const rateLimit = resolveRateLimit(where, options.rateLimit);
  const resolvedActions = actions === undefined ? NO_ACTIONS : resolveActions(where, 'options.actions', actions);
  const { plan = 'enterprise' } = options;
  if (!PLANS.includes(plan)) {
    throw testingTypeError(where, `"options.plan" must be ${PLANS.map((name) => `"${name}"`).join(', ')} (got ${JSON.stringify(plan)})`);
  }
  return { clientId, clientSecret, scopes: [...scopes], tokenLifetimeSeconds, actions: resolvedActions, rateLimit, exportJobPolls, customDomain, plan };
}

/**
 * Starts a local stand-in for an Auth0 tenant, with an HTTP listener on `127.0.0.1` and a random port.
 *
 * It serves `POST /oauth/token` (client credentials), `GET`/`PATCH /api/v2/users/{id}`, `GET /api/v2/users`
 * (list, and user search v3 with a documented subset of the query syntax, at most the first 1000
 * results), `GET /api/v2/connections/{id}` and `GET /api/v2/connections`, users exports
 * (`POST /api/v2/jobs/users-exports`, `GET /api/v2/jobs/{id}`, and the gzip file of newline-delimited
 * JSON at the job's pre-signed `location` on a second host, valid for 60 seconds), and
 * `POST /dbconnections/change_password`, with Auth0's response shapes, status codes, scope checks,
 * password policies and — opt in — rate limits, well enough for the real `auth0` SDK to talk to it
 * through {@link LocalTenantCore.fetch}. Its clock is the system clock: move it with the test runner's fake
 * clock. Close it when done; nothing else keeps the process alive.
 *
 * @example
 * ```ts
 * import { ManagementClient } from 'auth0';
 * import { startLocalTenant } from 'auth0-force-password-reset/testing';
 *
 * await using tenant = await startLocalTenant();
 * const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { mustChangePassword: true } });
 *
 * const client = new ManagementClient({
 *   domain: tenant.domain,
 *   clientId: tenant.clientId,
 *   clientSecret: tenant.clientSecret,
 *   fetch: tenant.fetch,
 * });
 * await client.users.update(user.user_id, { app_metadata: { mustChangePassword: null } });
 * tenant.users.get(user.user_id)?.app_metadata; // {}
 * ```
 *
 * @throws TypeError when an option is unknown or malformed.
 */
export async function startLocalTenant(options: LocalTenantOptions = {}): Promise<LocalTenant> {
  const settings = resolveSettings(options);
  // One clock for the tenant, the runners and the handlers: the system's, read at every call.
  const clock = createMonotonicClock();
  const connections = createConnectionStore();
  // Loaded once per process (and only by the testing toolkit, never by the Actions' entry): a
  // connection may name the largest list at any time, and the store checks passwords synchronously.
  const users = createUserStore(connections, clock, await loadCommonPasswords('en_100k'));
  const faults = createFaultQueue();
  const log = createRequestLog();
  const closing = new AbortController();
  // One application per tenant, as if every login came from the same app.
  const appClientId = randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32);

  // The application needs the domain, which is known once the listener listens: until then (never in
  // practice) a request is answered 503.
  let app: TenantRequestHandler = async () => new Response(null, { status: 503 });
  const handle: TenantRequestHandler = (request) => app(request);
  const { customDomain } = settings;
  const listener = await serveOverHttp(handle, customDomain === undefined ? [] : [customDomain]);
  const { domain } = listener;
  // Export files come from another host, as Auth0's come from a CDN: a client must follow `location`,
  // and send its token only to the tenant.
  const downloads = await serveOverHttp(handle);
  const downloadHost = downloads.domain;

  const tokens = createTokenIssuer({
    domain,
    clientId: settings.clientId,
    scopes: settings.scopes,
    lifetimeSeconds: settings.tokenLifetimeSeconds,
    now: clock,
  });
  const resetEmails = createResetEmailOutbox({ domain, clientIds: new Set([appClientId]), users, connections, now: clock });
  const fetch = createLocalFetch({ domain, downloadHost, customDomain, handle, closing: closing.signal });

  const caches: TriggerCaches = Object.freeze({
    postLogin: createMemoryCache(clock),
    postChangePassword: createMemoryCache(clock),
  });
  const secrets: LocalTenantSecrets = Object.freeze({
    AUTH0_DOMAIN: domain,
    AUTH0_CLIENT_ID: settings.clientId,
    AUTH0_CLIENT_SECRET: settings.clientSecret,
  });
  const trigger = { domain, customDomain, tenantId: LOCAL_TENANT_ID, appClientId, users, fetch };
  const { runLogin, continueLogin, startLogin, isWaiting } = createLoginRunner({ ...trigger, cache: caches.postLogin });
  const passwordChanges = createPasswordChangeRunner({ ...trigger, cache: caches.postChangePassword }, secrets);
  const { runPasswordChange } = passwordChanges;

  let actions = settings.actions;
  const loginFlow = createLoginFlow({
    domain,
    appClientId,
    users,
    now: clock,
    actions: () => actions,
    tenantSecrets: secrets,
    startLogin,
    continueLogin,
    isWaiting,
    runPasswordChangeTrigger: passwordChanges.runTrigger,
  });
  const otherClients: LocalTenantClient[] = [];
  const sessions = createSessionStore(users, clock, () => appClientId);
  app = createRequestHandler({
    sessions,
    plan: settings.plan,
    resetEmails,
    otherClients: () => otherClients,
    loginFlow,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    audience: `https://${domain}/api/v2/`,
    tokens,
    users,
    connections,
    faults,
    log,
    now: clock,
    closing: closing.signal,
    usersExports: createUsersExportJobs({
      downloadHost,
      tenantName: LOCAL_TENANT_ID,
      pendingPolls: settings.exportJobPolls,
      users,
      connections,
      now: clock,
    }),
    downloadHost,
    // By the system clock itself (which a test's fake clock moves), not the tenant clock's readings,
    // which step a millisecond ahead under a burst and would refill the bucket as requests arrive.
    rateLimiter: settings.rateLimit === undefined ? undefined : createRateLimiter(settings.rateLimit, () => Date.now()),
  });

  async function close(): Promise<void> {
    closing.abort();
    await Promise.all([listener.close(), downloads.close()]);
  }

  const tenant: LocalTenantCore = {
    domain,
    origin: `http://${domain}`,
    customDomain,
    fetch,
    handle,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    secrets,
    users,
    connections,
    sessions,
    faults,
    get requests() {
      return log.entries();
    },
    counts: () => log.counts(),
    resetCounts: () => log.clear(),
    revokeTokens: () => tokens.revokeAll(),
    now: () => new Date(clock()),
    caches,
    runLogin,
    continueLogin,
    runPasswordChange,
    addClient(clientOptions) {
      const where = 'localTenant.addClient';
      const scopes: unknown = isPlainObject(clientOptions) ? clientOptions.scopes : undefined;
      if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) {
        throw testingTypeError(where, `"options.scopes" must be an array of scope names without spaces (got ${JSON.stringify(scopes)})`);
      }
      const client: LocalTenantClient = Object.freeze({
        clientId: randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'),
        clientSecret: randomBytes(48).toString('base64url'),
        scopes: Object.freeze([...(scopes as string[])]),
      });
      otherClients.push(client);
      return client;
    },
    bindActions(bound) {
      actions = resolveActions('localTenant.bindActions', 'actions', bound);
    },
    get triggeredPasswordChanges() {
      return loginFlow.triggeredPasswordChanges;
    },
    appClientId,
    get resetEmails() {
      return resetEmails.sent();
    },
    redeemResetLink(link, newPassword, handlers, runOptions) {
      const redeemed = resetEmails.redeem(link);
      if ('refused' in redeemed) {
        throw testingError('localTenant.redeemResetLink', `cannot use this link: ${redeemed.refused}`);
      }
      return runPasswordChange(redeemed.email.userId, newPassword, handlers, { ...runOptions, by: 'user' });
    },
    close,
  };
  // `Symbol.asyncDispose` where the runtime has it (Node 20.4 and later: every supported Node).
  const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
  if (asyncDispose !== undefined) Object.defineProperty(tenant, asyncDispose, { value: close });
  return tenant as LocalTenant;
}
