import {
  checkFields,
  checkOptions,
  countCheck,
  NOT_SHOWN,
  oneOfCheck,
  required,
  type Check,
  type OptionChecks,
} from '../../internal/check-options.js';
import { actionsCheck, NO_ACTIONS, resolveActions, type LocalTenantActions, type ResolvedActions } from './bound-actions.js';
import { RATE_LIMIT_PRESETS, type RateLimitPreset, type RateLimitSettings } from './rate-limiter.js';
import type { LocalTenantPlan } from './sessions-endpoint.js';

/**
 * Options of {@link startLocalTenant}.
 *
 * @example
 * ```ts
 * const tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'], rateLimit: 'free' });
 * ```
 */
export interface LocalTenantOptions {
  /**
   * The secret of the tenant's machine-to-machine client, whose id is `tenant.clientId` (more clients:
   * {@link LocalTenantCore.addClient}).
   * @default a random secret
   */
  readonly clientSecret?: string;
  /**
   * The scopes granted to that client; the Management API checks them per route as Auth0 does
   * (`read:users`, `update:users` or `update:users_app_metadata`, `read:connections`,
   * `read:connections_options`). Its tokens live 86,400 seconds, Auth0's default.
   * @default ['read:users', 'update:users']
   */
  readonly scopes?: readonly string[];
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

const DEFAULT_SCOPES: readonly string[] = ['read:users', 'update:users'];
const DEFAULT_EXPORT_JOB_POLLS = 2;
/** A host name of two labels or more, without a port: what a custom domain is. */
const CUSTOM_DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Options that were removed, and what to do instead. */
const RETIRED_OPTIONS: Readonly<Record<string, string>> = {
  now: "was removed: the tenant follows the system clock, so move it with your test runner's fake clock (vi.useFakeTimers({ toFake: ['Date'] }) and vi.setSystemTime(…)), which the handlers read too",
  clientId: 'was removed: the tenant makes up its client’s id; read it from tenant.clientId (or tenant.secrets), or add a client with tenant.addClient({ scopes })',
  tokenLifetimeSeconds: "was removed: tokens live 86400 seconds, as Auth0's do by default; move your test runner's fake clock past that to expire one, or call tenant.revokeTokens()",
};

const scopesCheck: Check<readonly string[]> = (value, report) => {
  if (!Array.isArray(value)) return report('must be an array of scope names without spaces', value);
  value.forEach((scope, index) => {
    if (typeof scope !== 'string' || !/^\S+$/.test(scope)) report('must be a scope name without spaces', scope, [index]);
  });
};

const RATE_LIMIT_EXPECTED = 'must be "free", "enterprise" or { perSecond: <number above 0>, burst: <integer of at least 1> }';

/** The checks of {@link RateLimitSettings}. */
const rateLimitSettingsChecks: OptionChecks<RateLimitSettings> = {
  perSecond: required<number>('a number above 0', (value, report) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) report('must be a number above 0', value);
  }),
  burst: required('an integer of at least 1', countCheck(1)),
};

const rateLimitCheck: Check<RateLimitPreset | RateLimitSettings> = (value, report) => {
  if (typeof value !== 'string') return void checkFields(value, report, rateLimitSettingsChecks, RATE_LIMIT_EXPECTED);
  if (!Object.hasOwn(RATE_LIMIT_PRESETS, value)) report(RATE_LIMIT_EXPECTED, value);
};

/** The checks of {@link LocalTenantOptions}: one per option, typed against the interface. */
export const localTenantOptionChecks: OptionChecks<LocalTenantOptions> = {
  clientSecret: (value, report) => {
    if (typeof value !== 'string' || value === '') report('must be a non-empty string (the value is not shown)', NOT_SHOWN);
  },
  scopes: scopesCheck,
  rateLimit: rateLimitCheck,
  exportJobPolls: countCheck(0),
  actions: actionsCheck,
  customDomain: (value, report) => {
    if (typeof value !== 'string' || !CUSTOM_DOMAIN.test(value)) report('must be a lowercase host name such as "login.example.test", without a scheme or a port', value);
  },
  plan: oneOfCheck<LocalTenantPlan>(['free', 'essentials', 'professional', 'enterprise']),
};

/** The checks of the options of a local tenant's `addClient`. */
export const localTenantClientChecks: OptionChecks<{ readonly scopes: readonly string[] }> = {
  scopes: required('an array of scope names without spaces', scopesCheck),
};

/** {@link LocalTenantOptions}, checked, with the defaults applied. */
export interface TenantSettings {
  /** `undefined`: a random one. */
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  readonly actions: ResolvedActions;
  readonly rateLimit: RateLimitSettings | undefined;
  readonly exportJobPolls: number;
  readonly customDomain: string | undefined;
  readonly plan: LocalTenantPlan;
}

/** Checks the options once, without changing the caller's object, and applies the defaults. */
export function resolveTenantSettings(options: LocalTenantOptions | undefined): TenantSettings {
  const {
    clientSecret,
    scopes = DEFAULT_SCOPES,
    exportJobPolls = DEFAULT_EXPORT_JOB_POLLS,
    actions,
    rateLimit,
    customDomain,
    plan = 'enterprise',
  } = checkOptions('startLocalTenant', localTenantOptionChecks, options, RETIRED_OPTIONS);
  return {
    clientSecret,
    scopes: [...scopes],
    actions: actions === undefined ? NO_ACTIONS : resolveActions(actions),
    // A preset's settings, or a copy of the caller's.
    rateLimit: typeof rateLimit === 'string' ? RATE_LIMIT_PRESETS[rateLimit] : rateLimit === undefined ? undefined : { ...rateLimit },
    exportJobPolls,
    customDomain,
    plan,
  };
}
