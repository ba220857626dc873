import { randomBytes } from 'node:crypto';
import { checkArguments, checkOptions } from '../../internal/check-options.js';
import { loadCommonPasswords } from '../../password/common-passwords.js';
import { createMemoryCache } from '../memory-cache.js';
import { testingError } from '../testing-error.js';
import { actionsCheck, resolveActions } from './bound-actions.js';
import { createConnectionStore } from './connection-store.js';
import { createFaultQueue } from './fault-injector.js';
import { createLocalFetch } from './local-fetch.js';
import { createLoginFlow } from './login-flow.js';
import { localTenantClientChecks, resolveTenantSettings, type LocalTenantOptions } from './local-tenant-options.js';
import type { LocalTenant, LocalTenantClient, LocalTenantCore, LocalTenantSecrets } from './local-tenant.js';
import { createMonotonicClock } from './monotonic-clock.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRequestHandler, type TenantRequestHandler } from './request-handler.js';
import { createRequestLog } from './request-log.js';
import { createResetEmailOutbox } from './reset-email-outbox.js';
import { createLoginRunner } from './run-login.js';
import { checkPasswordChangeArguments, createPasswordChangeRunner, redeemResetLinkOptionChecks } from './run-password-change.js';
import { serveOverHttp } from './serve-over-http.js';
import { createSessionStore } from './session-store.js';
import { createTokenIssuer } from './token-issuer.js';
import { LOCAL_TENANT_ID } from './trigger-context.js';
import { createUserStore } from './user-store.js';
import { createUsersExportJobs } from './users-export-jobs.js';

/** A machine-to-machine application with these scopes, a made-up id and, unless given, a made-up secret. */
function newClient(scopes: readonly string[], clientSecret = randomBytes(48).toString('base64url')): LocalTenantClient {
  return Object.freeze({
    clientId: randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'),
    clientSecret,
    scopes: Object.freeze([...scopes]),
  });
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
 * @throws OptionsError naming every option that is unknown or malformed.
 */
export async function startLocalTenant(options?: LocalTenantOptions): Promise<LocalTenant> {
  const settings = resolveTenantSettings(options);
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

  // The tenant's own M2M client, whose credentials `secrets` hands to the Actions.
  const client = newClient(settings.scopes, settings.clientSecret);
  const tokens = createTokenIssuer({ domain, clientId: client.clientId, scopes: client.scopes, now: clock });
  const resetEmails = createResetEmailOutbox({ domain, clientIds: new Set([appClientId]), users, connections, now: clock });
  const fetch = createLocalFetch({ domain, downloadHost, customDomain, handle, closing: closing.signal });

  const secrets: LocalTenantSecrets = Object.freeze({
    AUTH0_DOMAIN: domain,
    AUTH0_CLIENT_ID: client.clientId,
    AUTH0_CLIENT_SECRET: client.clientSecret,
  });
  const trigger = { domain, customDomain, tenantId: LOCAL_TENANT_ID, appClientId, users, fetch };
  // Each trigger's `api.cache`: shared by every run of that trigger on the tenant, apart from the other's.
  const { runLogin, continueLogin, startLogin, isWaiting } = createLoginRunner({ ...trigger, cache: createMemoryCache(clock) });
  const passwordChanges = createPasswordChangeRunner({ ...trigger, cache: createMemoryCache(clock) }, secrets);
  const { runPasswordChange } = passwordChanges;

  let actions = settings.actions;
  const sessions = createSessionStore(users, clock, () => appClientId);
  const loginFlow = createLoginFlow({
    domain,
    appClientId,
    users,
    sessions,
    now: clock,
    actions: () => actions,
    tenantSecrets: secrets,
    startLogin,
    continueLogin,
    isWaiting,
    runPasswordChangeTrigger: passwordChanges.runTrigger,
  });
  const otherClients: LocalTenantClient[] = [];
  app = createRequestHandler({
    sessions,
    plan: settings.plan,
    resetEmails,
    otherClients: () => otherClients,
    loginFlow,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
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
    fetch,
    handle,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
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
    runLogin,
    continueLogin,
    runPasswordChange,
    addClient(clientOptions) {
      const { scopes } = checkOptions('localTenant.addClient', localTenantClientChecks, clientOptions);
      const added = newClient(scopes);
      otherClients.push(added);
      return added;
    },
    bindActions(bound) {
      checkArguments('localTenant.bindActions', ['actions', actionsCheck, bound]);
      actions = resolveActions(bound);
    },
    get triggeredPasswordChanges() {
      return loginFlow.triggeredPasswordChanges;
    },
    appClientId,
    get resetEmails() {
      return resetEmails.sent();
    },
    redeemResetLink(link, newPassword, handlers, runOptions) {
      // Checked before the link is used up.
      checkPasswordChangeArguments('localTenant.redeemResetLink', handlers, redeemResetLinkOptionChecks, runOptions);
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
