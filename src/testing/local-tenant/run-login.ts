import type { MetadataValue } from '../../auth0/common.js';
import type { PostLoginEvent, PostLoginProtocol } from '../../auth0/post-login.js';
import { connectionKindOf } from '../connection-kind.js';
import { buildPostLoginEvent } from '../events.js';
import { mergeMetadata, type Metadata } from '../metadata.js';
import { createPostLoginApi, type MetadataWrite, type RecordedApiCall, type RecordedRedirect } from '../recording-api.js';
import { checkArguments, oneOfCheck, optionsCheck, type Check, type OptionChecks } from '../../internal/check-options.js';
import { testingError } from '../testing-error.js';
import { connectionView, hostnameCheck, randomId, requestFrom, requireUser, secretsCheck, type TriggerContext } from './trigger-context.js';
import { handlersCheck, toHandlers, type PostLoginActionHandler, type PostLoginContinueActionHandler, type PostLoginHandlers } from './bound-actions.js';
import type { TenantUser } from './user-store.js';

/**
 * Options of {@link LocalTenant.runLogin}.
 *
 * @example
 * ```ts
 * await tenant.runLogin(user.user_id, gate, { protocol: 'oauth2-refresh-token', locale: 'fr-CA', secrets: { PAGE_SECRET: 's' } });
 * ```
 */
export interface RunLoginOptions {
  /**
   * `event.transaction.protocol`: how the user authenticated, e.g. `oauth2-refresh-token` for a
   * refresh-token exchange.
   * @default 'oidc-basic-profile'
   */
  readonly protocol?: PostLoginProtocol;
  /**
   * `event.transaction.locale` (the negotiated UI language) and `event.request.language`.
   * @default 'en'
   */
  readonly locale?: string;
  /**
   * `event.secrets`: the Action's secrets. Copied, so a handler cannot change the caller's object.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /**
   * `event.request.hostname`: the host the user signs in on — the tenant's domain, or its
   * `customDomain`. Auth0's `api.redirect.encodeToken` still signs the tenant's domain as `iss`.
   * @default tenant.domain
   */
  readonly hostname?: string;
}

/**
 * The request that brings the browser back to `/continue` after a redirect: the `state` goes in the
 * query (as Auth0's docs show it), the page's token wherever the page sends it.
 *
 * @example
 * ```ts
 * await tenant.continueLogin(outcome.redirect!.state, { method: 'POST', body: { session_token: token } });
 * ```
 */
export interface ContinueLoginOptions {
  /** @default 'POST' */
  readonly method?: 'GET' | 'POST';
  /**
   * `event.request.hostname` of the `/continue` request: the tenant's domain or its `customDomain`.
   * @default the host the login started on
   */
  readonly hostname?: string;
  /** Query parameters besides `state`. */
  readonly query?: Readonly<Record<string, string>>;
  /** Form fields of a POST, e.g. `{ session_token }`. */
  readonly body?: Readonly<Record<string, string>>;
}

/**
 * What `api.user.setAppMetadata` / `setUserMetadata` were called with, in order.
 *
 * @example
 * ```ts
 * const writes = (await tenant.runLogin(user.user_id, gate)).appMetadataWrites;
 * ```
 */
export type MetadataWrites = readonly MetadataWrite[];

/**
 * The outcome of {@link LocalTenant.runLogin}.
 *
 * @example
 * ```ts
 * const outcome: LoginOutcome = await tenant.runLogin(user.user_id, gate);
 * if (!outcome.allowed) console.log(outcome.deniedWith ?? outcome.redirect?.url ?? outcome.error);
 * ```
 */
export interface LoginOutcome {
  /** Whether the user gets in: every handler ran, and none denied, redirected, failed validation or threw. */
  readonly allowed: boolean;
  /**
   * The reason of the first `api.access.deny(reason)` (or `api.session.revoke` / `api.refreshToken.revoke`):
   * what the application receives as `error_description`. Absent when the login was not denied.
   */
  readonly deniedWith?: string;
  /** What `api.validation.error(errorCode, errorMessage)` stopped the login with, if it did. */
  readonly validationError?: { readonly errorCode: string; readonly errorMessage: string };
  /**
   * Where `api.redirect.sendUserTo` sent the user: the flow is suspended after that handler (the
   * metadata written so far is saved first, as in Auth0), to resume with
   * {@link LocalTenantCore.continueLogin}`(redirect.state, …)`.
   */
  readonly redirect?: RecordedRedirect;
  /**
   * `'Extensibility Error'` when a handler threw: all Auth0 shows the user. The flow stopped there and no
   * metadata was saved.
   */
  readonly error?: 'Extensibility Error';
  /** What the handler threw — in Auth0 it only reaches the tenant logs. Present with {@link error}. */
  readonly thrown?: unknown;
  /**
   * How many handlers ran (an `onContinuePostLogin` counts as one): a deny, redirect, validation error
   * or throw stops the flow after the current handler.
   */
  readonly handlersRun: number;
  /** Every `api.user.setAppMetadata(key, value)` call of the flow, in order, saved or not. */
  readonly appMetadataWrites: MetadataWrites;
  /** Every `api.user.setUserMetadata(key, value)` call of the flow, in order, saved or not. */
  readonly userMetadataWrites: MetadataWrites;
  /**
   * Whether the metadata writes were saved to the store: `true` when there were writes and no handler
   * threw (a deny or a redirect saves them too), `false` otherwise.
   */
  readonly metadataSaved: boolean;
  /** The claims set with `api.idToken.setCustomClaim`, last value per name. */
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  /** The claims set with `api.accessToken.setCustomClaim`, last value per name. */
  readonly accessTokenClaims: Readonly<Record<string, unknown>>;
  /**
   * Every call the handlers made on their `api` (but `cache`), in order: MFA challenges (treated as
   * met), scopes, sessions, SAML and the rest.
   */
  readonly apiCalls: readonly RecordedApiCall[];
  /** The user as stored after the login (and after the metadata was saved): a copy. */
  readonly user: TenantUser;
  /** The event as built from the store before any handler ran, with `stats.logins_count` already counted. */
  readonly event: PostLoginEvent;
}

const WHERE = 'localTenant.runLogin';

/**
 * What a login started at `/authorize` adds to the event: the request's query (never its body — the
 * password is in it) and the application's side of the transaction.
 */
export interface AuthorizeRequestView {
  /** `event.request.query`: the `/authorize` parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** `event.transaction.redirect_uri`. */
  readonly redirectUri: string;
  /** `event.transaction.state`: the application's own `state`, if it sent one. */
  readonly appState: string | undefined;
  /** `event.transaction.requested_scopes`. */
  readonly scopes: readonly string[];
  /** `event.transaction.ui_locales`. */
  readonly uiLocales: readonly string[];
}

/** Everything a login needs once its arguments are checked: the public runner's and `/authorize`'s. */
export interface LoginSettings {
  readonly protocol: string;
  /** The host the user signs in on. */
  readonly hostname: string;
  readonly locale: string;
  readonly secrets: Record<string, string | undefined>;
  readonly authorize?: AuthorizeRequestView;
  /** The tenant session the sign-in opened: `event.session.id`. A random id when none was opened. */
  readonly sessionId?: string;
}

/** Builds `event` for a login of `user`, whose `logins_count` already counts this login, with the public builder. */
function buildLoginEvent(context: TriggerContext, user: TenantUser, settings: LoginSettings): PostLoginEvent {
  const { authorize } = settings;
  const connection = context.users.connectionOf(user.user_id);
  const at = user.last_login ?? user.updated_at;
  const isDatabase = connectionKindOf(connection.strategy) === 'database';
  const { email } = user;
  return buildPostLoginEvent({
    user: {
      user_id: user.user_id,
      email,
      email_verified: user.email_verified,
      // Auth0 derives these from the email for database users; federated providers send their own.
      name: email,
      nickname: email?.slice(0, email.indexOf('@')),
      picture: email === undefined ? undefined : 'https://example.com/avatars/default.png',
      app_metadata: user.app_metadata as PostLoginEvent['user']['app_metadata'],
      user_metadata: user.user_metadata as PostLoginEvent['user']['user_metadata'],
      created_at: user.created_at,
      updated_at: user.updated_at,
      last_password_reset: user.last_password_reset,
      identities: user.identities,
    },
    connection: connectionView(connection),
    client: { client_id: context.appClientId, name: 'Local Tenant App', metadata: {} },
    request: { ...requestFrom(settings.hostname, settings.locale), method: 'POST', query: { ...authorize?.query }, body: {} },
    // Auth0 counts the login before the Action runs: the first login sees 1.
    stats: { logins_count: user.logins_count },
    transaction: {
      id: randomId('txn_'),
      protocol: settings.protocol,
      locale: settings.locale,
      redirect_uri: authorize?.redirectUri,
      ...(authorize === undefined
        ? {}
        : {
            state: authorize.appState,
            requested_scopes: [...authorize.scopes],
            response_type: ['code'],
            response_mode: 'query',
            ui_locales: [...authorize.uiLocales],
          }),
      metadata: {},
    },
    authentication: { methods: [{ name: isDatabase ? 'pwd' : 'federated', timestamp: at }] },
    session: { id: settings.sessionId ?? randomId('', 16) },
    tenant: { id: context.tenantId },
    secrets: settings.secrets,
  });
}

/** How one handler ended the flow, if it did. */
type FlowStop =
  | { readonly deniedWith: string }
  | { readonly validationError: { readonly errorCode: string; readonly errorMessage: string } }
  | { readonly redirect: RecordedRedirect }
  | { readonly thrown: unknown };

/** The call among `calls` that ends a login the way Auth0 ends it, if any. */
function stopOf(calls: readonly RecordedApiCall[], redirect: RecordedRedirect | undefined): FlowStop | undefined {
  for (const { method, args } of calls) {
    if (method === 'access.deny' || method === 'session.revoke' || method === 'refreshToken.revoke') {
      return { deniedWith: String(args[0]) };
    }
    if (method === 'validation.error') return { validationError: { errorCode: String(args[0]), errorMessage: String(args[1]) } };
  }
  return redirect === undefined ? undefined : { redirect };
}

/** One step of a flow: a handler of the Action at `index`, its `onExecutePostLogin` or its `onContinuePostLogin`. */
interface FlowStep {
  readonly index: number;
  readonly run: PostLoginContinueActionHandler;
}

/** A login suspended by a redirect, waiting for `/continue`. */
interface SuspendedLogin {
  readonly userId: string;
  readonly flow: readonly PostLoginActionHandler[];
  /** The Action that redirected. */
  readonly index: number;
  readonly event: PostLoginEvent;
  readonly locale: string;
  readonly hostname: string;
}

/**
 * Runs `steps` the way Auth0 runs a post-login flow, from the user as stored, and saves the metadata
 * batch at the end (a deny or a redirect saves it too; a throw does not).
 */
async function runFlow(
  context: TriggerContext,
  userId: string,
  event: PostLoginEvent,
  steps: readonly FlowStep[],
  suspend: (index: number, redirect: RecordedRedirect, event: PostLoginEvent) => void,
): Promise<LoginOutcome> {
  const stored = requireUser(WHERE, context.users, userId);
  const appMetadataWrites: MetadataWrite[] = [];
  const userMetadataWrites: MetadataWrite[] = [];
  // Auth0 batches the writes of the whole flow and saves them once, at the end of the trigger.
  let appPatch: Metadata = {};
  let userPatch: Metadata = {};
  let transactionMetadata = event.transaction?.metadata ?? {};
  const idTokenClaims: Record<string, unknown> = {};
  const accessTokenClaims: Record<string, unknown> = {};
  const apiCalls: RecordedApiCall[] = [];
  let stop: FlowStop | undefined;
  let handlersRun = 0;

  for (const step of steps) {
    // Each Action gets its own copy of the event, showing the writes earlier Actions queued.
    const view = structuredClone(event);
    view.user.app_metadata = mergeMetadata(stored.app_metadata, appPatch) as PostLoginEvent['user']['app_metadata'];
    view.user.user_metadata = mergeMetadata(stored.user_metadata, userPatch) as PostLoginEvent['user']['user_metadata'];
    if (view.transaction !== undefined) view.transaction.metadata = { ...transactionMetadata };
    // Auth0 signs the tenant's domain as `iss`, whichever host the user signs in on.
    const api = createPostLoginApi({ event: view, cache: context.cache, fetch: context.fetch, tenantDomain: context.domain });

    handlersRun += 1;
    let thrown: { value: unknown } | undefined;
    try {
      await step.run(view, api);
    } catch (value) {
      thrown = { value };
    }
    appMetadataWrites.push(...api.appMetadataWrites);
    userMetadataWrites.push(...api.userMetadataWrites);
    appPatch = { ...appPatch, ...api.pendingAppMetadata };
    userPatch = { ...userPatch, ...api.pendingUserMetadata };
    transactionMetadata = api.transactionMetadata;
    Object.assign(idTokenClaims, api.idTokenClaims);
    Object.assign(accessTokenClaims, api.accessTokenClaims);
    apiCalls.push(...api.calls);
    stop = thrown === undefined ? stopOf(api.calls, api.redirectedTo) : { thrown: thrown.value };
    if (stop !== undefined && 'redirect' in stop) {
      // Transaction metadata survives the redirect; the rest of the event is rebuilt at /continue.
      const suspended = structuredClone(event);
      if (suspended.transaction !== undefined) suspended.transaction.metadata = { ...transactionMetadata };
      suspend(step.index, stop.redirect, suspended);
    }
    // A deny, a validation error or a redirect ends (or suspends) the flow once the current Action returns.
    if (stop !== undefined) break;
  }

  // A throw discards the batch: the user sees "Extensibility Error" and nothing is saved. A redirect
  // saves it before the browser leaves (auth0.com/docs/manage-users/user-accounts/metadata).
  const hasWrites = appMetadataWrites.length > 0 || userMetadataWrites.length > 0;
  const metadataSaved = !(stop !== undefined && 'thrown' in stop) && hasWrites;
  if (metadataSaved) {
    if (appMetadataWrites.length > 0) context.users.updateAppMetadata(userId, appPatch as Record<string, MetadataValue>);
    if (userMetadataWrites.length > 0) context.users.updateUserMetadata(userId, userPatch as Record<string, MetadataValue>);
  }

  const common = {
    handlersRun,
    appMetadataWrites,
    userMetadataWrites,
    metadataSaved,
    idTokenClaims,
    accessTokenClaims,
    apiCalls,
    user: requireUser(WHERE, context.users, userId),
    event,
  };
  if (stop === undefined) return { allowed: true, ...common };
  if ('thrown' in stop) return { allowed: false, error: 'Extensibility Error', thrown: stop.thrown, ...common };
  return { allowed: false, ...stop, ...common };
}

const CONTINUE_WHERE = 'localTenant.continueLogin';

/** The `query` and `body` of a `/continue` request: parameter name → string. */
const parametersCheck: Check<Readonly<Record<string, string>>> = (value, report) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return report('must be an object of parameter name → string', value);
  for (const [name, parameter] of Object.entries(value)) {
    if (typeof parameter !== 'string') report('must be a string', parameter, [name]);
  }
};

/** The checks of {@link RunLoginOptions} on a tenant (its hosts): one per option, typed against the interface. */
export function runLoginOptionChecks(context: Pick<TriggerContext, 'domain' | 'customDomain'>): OptionChecks<RunLoginOptions> {
  return {
    protocol: (value, report) => {
      if (typeof value !== 'string' || value === '') report('must be a protocol such as "oidc-basic-profile"', value);
    },
    locale: (value, report) => {
      if (typeof value !== 'string' || value === '') report('must be a language tag such as "fr-CA"', value);
    },
    secrets: secretsCheck,
    hostname: hostnameCheck(context),
  };
}

/** The checks of {@link ContinueLoginOptions} on a tenant (its hosts). */
export function continueLoginOptionChecks(context: Pick<TriggerContext, 'domain' | 'customDomain'>): OptionChecks<ContinueLoginOptions> {
  return {
    method: oneOfCheck(['GET', 'POST']),
    hostname: hostnameCheck(context),
    query: parametersCheck,
    body: parametersCheck,
  };
}

/** What {@link createLoginRunner} makes: the tenant's two login methods, and the login flow's hooks. */
export interface LoginRunner {
  /** {@link LocalTenantCore.runLogin}. */
  runLogin(userId: string, handlers: PostLoginHandlers, options?: RunLoginOptions): Promise<LoginOutcome>;
  /** {@link LocalTenantCore.continueLogin}. */
  continueLogin(state: string, options?: ContinueLoginOptions): Promise<LoginOutcome>;
  /** A login whose arguments are checked: counted, then run through `flow`. */
  startLogin(userId: string, flow: readonly PostLoginActionHandler[], settings: LoginSettings): Promise<LoginOutcome>;
  /** Whether a login waits for this `state` at `/continue`. */
  isWaiting(state: string): boolean;
}

/**
 * Creates {@link LocalTenantCore.runLogin} and {@link LocalTenantCore.continueLogin} for a tenant: the
 * post-login trigger, run the way Auth0 runs it, redirects and `/continue` included.
 *
 * @param context - the tenant's users, domain, transport and post-login `api.cache`.
 */
export function createLoginRunner(context: TriggerContext): LoginRunner {
  // Logins suspended by a redirect, by the `state` Auth0 appended to it; each resumes once.
  const suspended = new Map<string, SuspendedLogin>();
  const suspendFor =
    (userId: string, flow: readonly PostLoginActionHandler[], locale: string, hostname: string) =>
    (index: number, redirect: RecordedRedirect, event: PostLoginEvent) => {
      suspended.set(redirect.state, { userId, flow, index, event, locale, hostname });
    };

  const loginChecks = optionsCheck(runLoginOptionChecks(context));
  const continueChecks = optionsCheck(continueLoginOptionChecks(context));

  async function runLogin(userId: string, handlers: PostLoginHandlers, options?: RunLoginOptions): Promise<LoginOutcome> {
    // Everything is checked before the login is counted, so a mistaken call leaves the store as it was.
    checkArguments(WHERE, ['handlers', handlersCheck('postLogin'), handlers], ['options', loginChecks, options]);
    const { protocol = 'oidc-basic-profile', locale = 'en', secrets = {}, hostname = context.domain } = options ?? {};
    requireUser(WHERE, context.users, userId);
    return startLogin(userId, toHandlers('postLogin', handlers), { protocol, locale, secrets: { ...secrets }, hostname });
  }

  /** A login whose arguments are checked: counted, then run through `flow`. */
  function startLogin(userId: string, flow: readonly PostLoginActionHandler[], settings: LoginSettings): Promise<LoginOutcome> {
    context.users.recordLogin(userId);
    const stored = requireUser(WHERE, context.users, userId);
    const event = buildLoginEvent(context, stored, settings);
    const steps = flow.map((handler, index) => ({ index, run: handler }));
    return runFlow(context, userId, event, steps, suspendFor(userId, flow, settings.locale, settings.hostname));
  }

  /** Whether a login waits for this `state` at `/continue`. */
  const isWaiting = (state: string): boolean => suspended.has(state);

  async function continueLogin(state: string, options?: ContinueLoginOptions): Promise<LoginOutcome> {
    checkArguments(CONTINUE_WHERE, ['options', continueChecks, options]);
    const { method = 'POST', query = {}, body = {}, hostname } = options ?? {};
    const login = typeof state === 'string' ? suspended.get(state) : undefined;
    if (login === undefined) {
      // Auth0 answers `/continue` with an unknown or reused state with `invalid_request`.
      throw testingError(CONTINUE_WHERE, `no login is waiting for this state (Auth0 would answer invalid_request): pass outcome.redirect.state of a login that redirected, once`);
    }
    suspended.delete(state);
    const continueHost = hostname ?? login.hostname;

    // The same login, with the metadata saved before the redirect and a new `event.request`: the
    // `/continue` request, whose query and body `api.redirect.validateToken` reads.
    const stored = requireUser(CONTINUE_WHERE, context.users, login.userId);
    const resumed = structuredClone(login.event);
    resumed.user.app_metadata = structuredClone(stored.app_metadata) as PostLoginEvent['user']['app_metadata'];
    resumed.user.user_metadata = structuredClone(stored.user_metadata) as PostLoginEvent['user']['user_metadata'];
    resumed.request = {
      ...requestFrom(continueHost, login.locale),
      method,
      query: { ...query, state },
      body: method === 'POST' ? { ...body } : {},
      geoip: { ...resumed.request.geoip },
    };

    const redirecting = login.flow[login.index];
    const onContinue = redirecting?.onContinuePostLogin;
    const steps: FlowStep[] = [
      // An Action without `onContinuePostLogin` just lets the flow go on, as in Auth0.
      ...(typeof onContinue === 'function' ? [{ index: login.index, run: onContinue }] : []),
      ...login.flow.slice(login.index + 1).map((handler, offset) => ({ index: login.index + 1 + offset, run: handler })),
    ];
    return runFlow(context, login.userId, resumed, steps, suspendFor(login.userId, login.flow, login.locale, continueHost));
  }

  return { runLogin, continueLogin, startLogin, isWaiting };
}
