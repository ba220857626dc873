import type { MetadataValue } from '../../auth0/common.js';
import type { PostLoginApi, PostLoginEvent, PostLoginProtocol } from '../../auth0/post-login.js';
import { connectionKindOf } from './connection-store.js';
import { localTenantError, localTenantTypeError } from './local-tenant-error.js';
import { cloneJson, findInvalidMetadataKey, mergeMetadata, type Metadata } from './metadata.js';
import {
  connectionView,
  randomId,
  requestFrom,
  requireHandlers,
  requireOptions,
  requireSecrets,
  requireUser,
  type TriggerContext,
} from './trigger-context.js';
import type { TenantUser } from './user-store.js';

/**
 * A post-login Action handler as `runLogin` runs it: `exports.onExecutePostLogin`. Handlers that return
 * nothing are accepted too.
 */
export type PostLoginActionHandler = (event: PostLoginEvent, api: PostLoginApi) => Promise<void> | void;

/** One post-login handler, or the Actions of a post-login flow in the order Auth0 runs them. */
export type PostLoginHandlers = PostLoginActionHandler | readonly PostLoginActionHandler[];

/** Options of {@link LocalTenant.runLogin}. */
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
}

/** What `api.user.setAppMetadata` / `setUserMetadata` were called with, in order. */
export type MetadataWrites = ReadonlyArray<readonly [key: string, value: MetadataValue | undefined]>;

/** The outcome of {@link LocalTenant.runLogin}. */
export interface LoginOutcome {
  /** Whether the user gets in: every handler ran, none denied and none threw. */
  readonly allowed: boolean;
  /**
   * The reason of the first `api.access.deny(reason)`: what the application receives as
   * `error_description`. Absent when the login was allowed, or when a handler threw.
   */
  readonly deniedWith?: string;
  /**
   * `'Extensibility Error'` when a handler threw: all Auth0 shows the user. The flow stopped there and no
   * metadata was saved.
   */
  readonly error?: 'Extensibility Error';
  /** What the handler threw — in Auth0 it only reaches the tenant logs. Present with {@link error}. */
  readonly thrown?: unknown;
  /** How many handlers ran: a deny or a throw stops the flow after the current handler. */
  readonly handlersRun: number;
  /** Every `api.user.setAppMetadata(key, value)` call of the flow, in order, saved or not. */
  readonly appMetadataWrites: MetadataWrites;
  /** Every `api.user.setUserMetadata(key, value)` call of the flow, in order, saved or not. */
  readonly userMetadataWrites: MetadataWrites;
  /**
   * Whether the metadata writes were saved to the store: `true` when there were writes and no handler
   * threw (a deny saves them too), `false` otherwise.
   */
  readonly metadataSaved: boolean;
  /** The claims set with `api.idToken.setCustomClaim`, last value per name. */
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  /** The claims set with `api.accessToken.setCustomClaim`, last value per name. */
  readonly accessTokenClaims: Readonly<Record<string, unknown>>;
  /** The user as stored after the login (and after the metadata was saved): a copy. */
  readonly user: TenantUser;
  /** The event as built from the store before any handler ran, with `stats.logins_count` already counted. */
  readonly event: PostLoginEvent;
}

const KNOWN_OPTIONS = ['protocol', 'locale', 'secrets'] as const;
const WHERE = 'localTenant.runLogin';

/** Builds `event` for a login of `user`, whose `logins_count` already counts this login. */
function buildLoginEvent(
  context: TriggerContext,
  clientId: string,
  user: TenantUser,
  settings: { protocol: string; locale: string; secrets: Record<string, string | undefined> },
): PostLoginEvent {
  const connection = context.users.connectionOf(user.user_id);
  const at = user.last_login ?? user.updated_at;
  const isDatabase = connectionKindOf(connection.strategy) === 'database';
  // Auth0 derives these from the email for database users; federated providers send their own.
  const profile =
    user.email === undefined
      ? {}
      : {
          name: user.email,
          nickname: user.email.slice(0, user.email.indexOf('@')),
          picture: 'https://s.gravatar.com/avatar/0?s=480&r=pg&d=mp',
        };
  return {
    user: {
      user_id: user.user_id,
      ...(user.email === undefined ? {} : { email: user.email }),
      email_verified: user.email_verified,
      ...profile,
      app_metadata: cloneJson(user.app_metadata) as PostLoginEvent['user']['app_metadata'],
      user_metadata: cloneJson(user.user_metadata) as PostLoginEvent['user']['user_metadata'],
      created_at: user.created_at,
      updated_at: user.updated_at,
      ...(user.last_password_reset === undefined ? {} : { last_password_reset: user.last_password_reset }),
      identities: cloneJson(user.identities),
    },
    connection: connectionView(connection),
    client: { client_id: clientId, name: 'Local Tenant App', metadata: {} },
    request: { ...requestFrom(context.domain, settings.locale), method: 'POST', query: {}, body: {} },
    // Auth0 counts the login before the Action runs: the first login sees 1.
    stats: { logins_count: user.logins_count },
    transaction: {
      id: randomId('txn_'),
      protocol: settings.protocol,
      locale: settings.locale,
      requested_scopes: ['openid', 'profile', 'email'],
    },
    authentication: { methods: [{ name: isDatabase ? 'pwd' : 'federated', timestamp: at }] },
    session: { id: randomId('', 16) },
    tenant: { id: context.tenantId },
    secrets: settings.secrets,
  };
}

/** Checks one `setAppMetadata` / `setUserMetadata` call and returns the value as it would be saved. */
function requireMetadataWrite(where: string, key: unknown, value: MetadataValue | undefined): [string, MetadataValue | undefined] {
  if (typeof key !== 'string' || key === '') {
    throw localTenantTypeError(where, `"key" must be a non-empty string (got ${JSON.stringify(key)}); the value is the second argument, not a user id`);
  }
  const copy = value === undefined ? undefined : cloneJson(value);
  // Checked now rather than at the save, so the mistake surfaces in the handler that made it.
  const invalid = findInvalidMetadataKey({ [key]: copy });
  if (invalid !== undefined) {
    throw localTenantError(where, `key ${JSON.stringify(invalid)} contains "." or "$", which Auth0 refuses`);
  }
  return [key, copy];
}

/**
 * Creates {@link LocalTenant.runLogin} for a tenant: the post-login trigger, run the way Auth0 runs it.
 *
 * @param context - the tenant's users, domain and post-login `api.cache`.
 * @param clientId - the tenant application's client id, `event.client.client_id`.
 */
export function createLoginRunner(context: TriggerContext, clientId: string) {
  return async function runLogin(
    userId: string,
    handlers: PostLoginHandlers,
    options?: RunLoginOptions,
  ): Promise<LoginOutcome> {
    // Everything is checked before the login is counted, so a mistaken call leaves the store as it was.
    const flow = requireHandlers(WHERE, handlers);
    const { protocol = 'oidc-basic-profile', locale = 'en', secrets = {} } = requireOptions(WHERE, options, KNOWN_OPTIONS);
    if (typeof protocol !== 'string' || protocol === '') {
      throw localTenantTypeError(WHERE, `"options.protocol" must be a protocol such as "oidc-basic-profile" (got ${JSON.stringify(protocol)})`);
    }
    if (typeof locale !== 'string' || locale === '') {
      throw localTenantTypeError(WHERE, `"options.locale" must be a language tag such as "fr-CA" (got ${JSON.stringify(locale)})`);
    }
    const secretValues = requireSecrets(WHERE, secrets);
    requireUser(WHERE, context.users, userId);

    context.users.recordLogin(userId);
    const stored = requireUser(WHERE, context.users, userId);
    const event = buildLoginEvent(context, clientId, stored, { protocol, locale, secrets: secretValues });

    const appMetadataWrites: Array<readonly [string, MetadataValue | undefined]> = [];
    const userMetadataWrites: Array<readonly [string, MetadataValue | undefined]> = [];
    // Auth0 batches the writes of the whole flow and saves them once, at the end of the trigger.
    let appPatch: Metadata = {};
    let userPatch: Metadata = {};
    const idTokenClaims: Record<string, unknown> = {};
    const accessTokenClaims: Record<string, unknown> = {};
    let deniedWith: string | undefined;
    let failure: { thrown: unknown } | undefined;
    let handlersRun = 0;

    for (const handler of flow) {
      // Each Action gets its own copy of the event, showing the writes earlier Actions queued.
      const view = structuredClone(event);
      view.user.app_metadata = mergeMetadata(stored.app_metadata, appPatch) as PostLoginEvent['user']['app_metadata'];
      view.user.user_metadata = mergeMetadata(stored.user_metadata, userPatch) as PostLoginEvent['user']['user_metadata'];

      const api: PostLoginApi = {
        access: {
          deny(reason) {
            if (typeof reason !== 'string') {
              throw localTenantTypeError('api.access.deny', `"reason" must be a string (got ${JSON.stringify(reason)})`);
            }
            deniedWith ??= reason;
            return api;
          },
        },
        user: {
          setAppMetadata(key, value) {
            const [checked, copy] = requireMetadataWrite('api.user.setAppMetadata', key, value);
            appMetadataWrites.push([checked, copy]);
            appPatch = { ...appPatch, [checked]: copy };
            return api;
          },
          setUserMetadata(key, value) {
            const [checked, copy] = requireMetadataWrite('api.user.setUserMetadata', key, value);
            userMetadataWrites.push([checked, copy]);
            userPatch = { ...userPatch, [checked]: copy };
            return api;
          },
        },
        cache: context.cache,
        idToken: {
          setCustomClaim(name, value) {
            idTokenClaims[name] = cloneJson(value);
            return api;
          },
        },
        accessToken: {
          setCustomClaim(name, value) {
            accessTokenClaims[name] = cloneJson(value);
            return api;
          },
        },
        multifactor: {
          enable() {
            throw localTenantError('api.multifactor.enable', 'runLogin does not model multifactor; test it with createPostLoginApi() instead');
          },
        },
        redirect: {
          sendUserTo() {
            throw localTenantError('api.redirect.sendUserTo', 'runLogin does not model redirects; test the redirect with createPostLoginApi() instead');
          },
        },
      };

      handlersRun += 1;
      try {
        await handler(view, api);
      } catch (thrown) {
        failure = { thrown };
        break;
      }
      // `api.access.deny` ends the flow once the current Action returns.
      if (deniedWith !== undefined) break;
    }

    // A throw discards the batch: the user sees "Extensibility Error" and nothing is saved.
    const hasWrites = appMetadataWrites.length > 0 || userMetadataWrites.length > 0;
    const metadataSaved = failure === undefined && hasWrites;
    if (metadataSaved) {
      if (appMetadataWrites.length > 0) context.users.updateAppMetadata(userId, appPatch);
      if (userMetadataWrites.length > 0) context.users.updateUserMetadata(userId, userPatch);
    }

    const common = {
      handlersRun,
      appMetadataWrites,
      userMetadataWrites,
      metadataSaved,
      idTokenClaims,
      accessTokenClaims,
      user: requireUser(WHERE, context.users, userId),
      event,
    };
    if (failure !== undefined) {
      return { allowed: false, error: 'Extensibility Error', thrown: failure.thrown, ...common };
    }
    if (deniedWith !== undefined) return { allowed: false, deniedWith, ...common };
    return { allowed: true, ...common };
  };
}
