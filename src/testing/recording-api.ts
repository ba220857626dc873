import { randomBytes } from 'node:crypto';
import type { MetadataValue } from '../auth0/common.js';
import type { PostChangePasswordApi } from '../auth0/post-change-password.js';
import type { PostLoginApi, PostLoginEvent, RedirectTokenPayload } from '../auth0/post-login.js';
import { attachTransport } from './attach-transport.js';
import { buildPostLoginEvent } from './events.js';
import { checkOptions, fetchCheck, type Check, type OptionChecks } from '../internal/check-options.js';
import { signHs256, verifyHs256Signature } from '../internal/jwt.js';
import { createMemoryCache, type MemoryCache } from './memory-cache.js';
import { cloneJson, findInvalidMetadataKey } from './metadata.js';
import { isRecord } from '../obligation/obligation.js';
import { testingError, testingTypeError } from './testing-error.js';

/**
 * One call a handler made on a recording `api`, such as
 * `{ method: 'authentication.challengeWith', args: [{ type: 'otp' }] }`. The arguments are copies.
 *
 * @example
 * ```ts
 * const [call]: readonly RecordedApiCall[] = api.calls; // { method: 'multifactor.enable', args: ['any'] }
 * ```
 */
export interface RecordedApiCall {
  /** The member path under `api`, e.g. `access.deny` or `redirect.sendUserTo`. */
  readonly method: string;
  readonly args: readonly unknown[];
}

/**
 * A request a handler tried to send through a recording `api`'s transport, which refused it. Only the
 * method and the URL without its query string are kept: a query could hold a secret.
 *
 * @example
 * ```ts
 * const api = createPostLoginApi();
 * await gate(buildPostLoginEvent(), api); // sendResetEmail on, no fetch option
 * api.blockedRequests; // [{ method: 'POST', url: 'https://acme.auth0.test/dbconnections/change_password' }]
 * ```
 */
export interface BlockedRequest {
  readonly method: string;
  /** Origin and path, e.g. `https://acme.auth0.test/dbconnections/change_password`. */
  readonly url: string;
}

/**
 * Where `api.redirect.sendUserTo` sent the user.
 *
 * @example
 * ```ts
 * api.redirect.sendUserTo('https://page.acme.test/', { query: { session_token: token } });
 * api.redirectedTo; // { url: 'https://page.acme.test/?session_token=…&state=…', state: '…' }
 * ```
 */
export interface RecordedRedirect {
  /** The URL as Auth0 would send the browser to it: the `query` option applied and `state` appended. */
  readonly url: string;
  /** The `state` Auth0 appended: the page sends it back to `/continue`. */
  readonly state: string;
}

/**
 * `[key, value]` of one `api.user.setAppMetadata` or `setUserMetadata` call.
 *
 * @example
 * ```ts
 * const [key, value] = api.appMetadataWrites[0]!; // ['needsPasswordReset', true]
 * ```
 */
export type MetadataWrite = readonly [key: string, value: MetadataValue | undefined];

/**
 * Options of {@link createPostChangePasswordApi}, and the base of those of {@link createPostLoginApi}.
 *
 * @example
 * ```ts
 * const cache = createMemoryCache();
 * const first = createPostChangePasswordApi({ cache, fetch: tenant.fetch });
 * const second = createPostChangePasswordApi({ cache, fetch: tenant.fetch }); // one trigger's shared cache
 * ```
 */
export interface RecordingApiOptions {
  /** The `api.cache`; share one between calls to model one trigger's cache. @default a new one */
  cache?: MemoryCache;
  /**
   * The transport this `api` gives the library's handlers when they have no `fetch` option of their
   * own: pass `tenant.fetch` of a local tenant to let them reach it.
   * @default a transport that refuses every request, so a unit test never reaches the network
   */
  fetch?: typeof globalThis.fetch;
}

/**
 * Options of {@link createPostLoginApi}.
 *
 * @example
 * ```ts
 * const event = buildPostLoginEvent({ transaction: { protocol: 'oauth2-refresh-token' } });
 * const api = createPostLoginApi({ event, fetch: tenant.fetch });
 * api.redirect.canRedirect(); // false
 * ```
 */
export interface PostLoginApiOptions extends RecordingApiOptions {
  /**
   * The event the handler receives. `api.redirect` reads it as Auth0 does: `encodeToken` signs the
   * user id as `sub`, the tenant's domain as `iss` (see `tenantDomain`) and `request.ip`; `validateToken` reads the token
   * from `request.query` and `request.body`; `canRedirect` looks at the protocol and `prompt`; and
   * `api.transaction.setMetadata` updates its `transaction.metadata`.
   * @default buildPostLoginEvent()
   */
  event?: PostLoginEvent;
  /** The `state` Auth0 appends to a redirect. @default a random one */
  state?: string;
  /**
   * The tenant's canonical domain: `api.redirect.encodeToken` signs it as `iss` and `validateToken`
   * expects it back — as Auth0 documents `iss`, "the hostname of your Auth0 tenant domain". With a
   * custom domain it differs from `event.request.hostname`, the host the user signs in on.
   * @default event.request.hostname
   */
  tenantDomain?: string;
}

/**
 * A post-login `api` that records what a handler asked of it.
 *
 * @example
 * ```ts
 * const api: RecordingPostLoginApi = createPostLoginApi();
 * await onExecutePostLogin(buildPostLoginEvent(), api);
 * expect(api.deniedWith).toBe('Please reset your password!');
 * ```
 */
export interface RecordingPostLoginApi extends PostLoginApi {
  readonly cache: MemoryCache;
  /** The reason of the first `api.access.deny` call, or `undefined` when the login was not denied. */
  readonly deniedWith: string | undefined;
  /** Every `api.access.deny` reason, in order (a handler should call it at most once). */
  readonly denials: readonly string[];
  /** Every `api.user.setAppMetadata(key, value)` call, in order. */
  readonly appMetadataWrites: readonly MetadataWrite[];
  /** The `app_metadata` changes Auth0 would save at the end of the trigger (last write per key wins). */
  readonly pendingAppMetadata: Readonly<Record<string, MetadataValue | undefined>>;
  /** Every `api.user.setUserMetadata` call, in order. */
  readonly userMetadataWrites: readonly MetadataWrite[];
  /** The `user_metadata` changes Auth0 would save (last write per key wins). */
  readonly pendingUserMetadata: Readonly<Record<string, MetadataValue | undefined>>;
  /** The claims set with `api.idToken.setCustomClaim`, last value per name. */
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  /** The claims set with `api.accessToken.setCustomClaim`, last value per name. */
  readonly accessTokenClaims: Readonly<Record<string, unknown>>;
  /** The transaction metadata after `api.transaction.setMetadata` calls. */
  readonly transactionMetadata: Readonly<Record<string, string | number | boolean>>;
  /** Where the last `api.redirect.sendUserTo` sent the user, if it was called. */
  readonly redirectedTo: RecordedRedirect | undefined;
  /** Every call on the api (except `cache`), in order: MFA, sessions, SAML, redirects and the rest. */
  readonly calls: readonly RecordedApiCall[];
  /** Requests the default transport refused (empty when a `fetch` option was given). */
  readonly blockedRequests: readonly BlockedRequest[];
}

/**
 * A post-change-password `api`: only `api.cache`, as in Auth0, plus what the test needs to see.
 *
 * @example
 * ```ts
 * const api: RecordingPostChangePasswordApi = createPostChangePasswordApi();
 * await clearer(buildPostChangePasswordEvent({ secrets }), api).catch(() => {});
 * api.blockedRequests; // the token request it refused
 * ```
 */
export interface RecordingPostChangePasswordApi extends PostChangePasswordApi {
  readonly cache: MemoryCache;
  /** Requests the default transport refused (empty when a `fetch` option was given). */
  readonly blockedRequests: readonly BlockedRequest[];
}

/** An `api.cache` such as {@link createMemoryCache} makes (the tests read its `entries()`). */
const cacheCheck: Check<MemoryCache> = (value, report) => {
  const cache = value as Partial<Record<keyof MemoryCache, unknown>> | null;
  const isCache = typeof cache === 'object' && cache !== null && (['get', 'set', 'delete', 'entries', 'clear'] as const).every((method) => typeof cache[method] === 'function');
  if (!isCache) report('must be an api.cache such as createMemoryCache() returns', value);
};

const nonEmptyText =
  (expected: string): Check<string> =>
  (value, report) => {
    if (typeof value !== 'string' || value === '') report(expected, value);
  };

/** The checks of {@link RecordingApiOptions}: one per option, typed against the interface. */
export const recordingApiOptionChecks: OptionChecks<RecordingApiOptions> = {
  cache: cacheCheck,
  fetch: fetchCheck,
};

/** The checks of {@link PostLoginApiOptions}. */
export const postLoginApiOptionChecks: OptionChecks<PostLoginApiOptions> = {
  event: (value, report) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) report('must be a post-login event, such as buildPostLoginEvent() returns', value);
  },
  ...recordingApiOptionChecks,
  state: nonEmptyText('must be a non-empty string'),
  tenantDomain: nonEmptyText('must be a host name such as "acme.auth0.test"'),
};

/** The code on the `cause` of a request a recording api refused. */
export const NETWORK_REFUSED_CODE = 'AFPR_TEST_NETWORK_REFUSED';

/** `input` as origin and path, without query or fragment. */
function describeTarget(input: RequestInfo | URL, init: RequestInit | undefined): BlockedRequest {
  const url = input instanceof Request ? input.url : String(input);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  try {
    const parsed = new URL(url);
    return { method, url: `${parsed.origin}${parsed.pathname}` };
  } catch {
    return { method, url: '(not a URL)' };
  }
}

/**
 * The transport of a recording api without a `fetch` option: it refuses every request with a
 * `TypeError` (what `fetch` throws for a network failure) that says how to opt in.
 */
function refuseNetwork(where: string, blocked: BlockedRequest[]): typeof globalThis.fetch {
  return async function refusingTransport(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const target = describeTarget(input, init);
    blocked.push(target);
    const cause = Object.assign(new Error('a test api refused the network'), { code: NETWORK_REFUSED_CODE });
    const problem =
      `refused ${target.method} ${target.url}: an api from auth0-force-password-reset/testing never reaches the network. ` +
      `To let the handler reach a local tenant, create the api with ${where}({ fetch: tenant.fetch }), or give the handler its own "fetch" option`;
    throw testingTypeError(where, problem, { cause });
  };
}

/** Checks one `setAppMetadata` / `setUserMetadata` call and returns the value as it would be saved. */
export function requireMetadataWrite(where: string, key: unknown, value: unknown): [string, MetadataValue | undefined] {
  if (typeof key !== 'string' || key === '') {
    throw testingTypeError(where, `"key" must be a non-empty string (got ${JSON.stringify(key) ?? typeof key}); the value is the second argument, not a user id`);
  }
  const copy = value === undefined ? undefined : cloneJson(value as MetadataValue);
  // Checked now rather than at the save, so the mistake surfaces in the handler that made it.
  const invalid = findInvalidMetadataKey({ [key]: copy });
  if (invalid !== undefined) {
    throw testingError(where, `key ${JSON.stringify(invalid)} contains "." or "$", which Auth0 refuses`);
  }
  return [key, copy];
}

// Auth0's redirect rules: no redirect for these grants, nor for `prompt=none`
// (auth0.com/docs/customize/actions/redirect-with-actions).
const NO_REDIRECT_PROTOCOLS: ReadonlySet<string> = new Set([
  'oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'oauth2-webauthn',
]);
const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;
const DEFAULT_TOKEN_PARAMETER = 'session_token';

/** Whether Auth0 would let this login redirect. */
export function canRedirectLogin(event: PostLoginEvent): boolean {
  const silent = event.request?.query?.['prompt'] === 'none' || (event.transaction?.prompt?.includes('none') ?? false);
  const protocol = event.transaction?.protocol;
  return !silent && !(protocol !== undefined && NO_REDIRECT_PROTOCOLS.has(protocol));
}

function invalidSessionToken(reason: string): Error {
  return new Error(`The session token is invalid: ${reason}`);
}

/** `api.redirect.validateToken` as Auth0 documents it: signature, expiry, issuer, subject and state. */
function validateSessionToken(event: PostLoginEvent, secret: unknown, parameter: string, tenantDomain: string | undefined): RedirectTokenPayload {
  const parameters: Record<string, unknown> = { ...event.request?.query, ...event.request?.body };
  const token = parameters[parameter];
  if (typeof token !== 'string') {
    throw new Error(`There is no parameter called '${parameter}' available in either the POST body or query string.`);
  }
  if (typeof secret !== 'string' || secret === '') {
    throw testingTypeError('api.redirect.validateToken', '"secret" must be a non-empty string');
  }
  const verified = verifyHs256Signature(token, secret);
  if ('refused' in verified) throw invalidSessionToken('Failed signature validation');
  const { claims } = verified;
  const { sub, iss, exp } = claims;
  if (typeof sub !== 'string' || typeof iss !== 'string' || typeof exp !== 'number') {
    throw invalidSessionToken('Missing or invalid standard claims');
  }
  if (exp * 1000 <= Date.now()) throw invalidSessionToken('Token has expired.');
  if (iss !== tenantDomain) throw invalidSessionToken('The iss claim does not match the tenant domain.');
  if (sub !== event.user?.user_id) throw invalidSessionToken('The sub claim does not match the user_id.');
  if (claims['state'] !== parameters['state']) throw invalidSessionToken('State in the token does not match the /continue state.');
  return claims;
}

/**
 * Creates a post-login `api` that records what a handler asks of it — denials, metadata writes,
 * claims, MFA, redirects, every other call — with an `api.cache` that keeps Auth0's limits, and
 * `api.redirect` implemented as Auth0 documents it (HS256 session tokens, `state`, `canRedirect`).
 *
 * Its transport refuses the network: a handler of this library with no `fetch` option of its own
 * (the gate sending a reset email, say) gets a `TypeError` and the attempt is listed in
 * `blockedRequests`. Pass `fetch: tenant.fetch` to let it reach a local tenant instead.
 *
 * @example
 * ```ts
 * const api = createPostLoginApi();
 * await onExecutePostLogin(buildPostLoginEvent({ stats: { logins_count: 1 } }), api);
 * expect(api.deniedWith).toBe('Please reset your password!');
 * expect(api.pendingAppMetadata.needsPasswordReset).toBe(true);
 * ```
 */
export function createPostLoginApi(options?: PostLoginApiOptions): RecordingPostLoginApi {
  const where = 'createPostLoginApi';
  const checked = checkOptions(where, postLoginApiOptionChecks, options);
  const { event = buildPostLoginEvent(), state = randomBytes(12).toString('base64url') } = checked;
  const tenantDomain = checked.tenantDomain ?? event.request?.hostname;
  const blockedRequests: BlockedRequest[] = [];
  const transport = checked.fetch ?? refuseNetwork(where, blockedRequests);
  const calls: RecordedApiCall[] = [];
  const denials: string[] = [];
  const appMetadataWrites: MetadataWrite[] = [];
  const userMetadataWrites: MetadataWrite[] = [];
  const idTokenClaims: Record<string, unknown> = {};
  const accessTokenClaims: Record<string, unknown> = {};
  const transactionMetadata: Record<string, string | number | boolean> = { ...event.transaction?.metadata };
  let redirect: RecordedRedirect | undefined;
  let rendered = false;

  function record(method: string, args: readonly unknown[]): void {
    calls.push({ method, args: args.map((arg) => (arg === undefined ? undefined : structuredClone(arg))) });
  }
  /** A method that is only recorded, returning `result`. */
  function recorded<Args extends unknown[], Result>(method: string, result: () => Result) {
    return (...args: Args): Result => {
      record(method, args);
      return result();
    };
  }
  const toApi = () => api;
  const toVoid = () => undefined;

  const api: RecordingPostLoginApi = {
    cache: checked.cache ?? createMemoryCache(),
    access: {
      deny(reason) {
        if (typeof reason !== 'string') {
          throw testingTypeError('api.access.deny', `"reason" must be a string (got ${JSON.stringify(reason) ?? typeof reason})`);
        }
        record('access.deny', [reason]);
        denials.push(reason);
        return api;
      },
    },
    accessToken: {
      setCustomClaim(name, value) {
        record('accessToken.setCustomClaim', [name, value]);
        accessTokenClaims[name] = value === undefined ? undefined : cloneJson(value);
        return api;
      },
      addScope: recorded('accessToken.addScope', toVoid),
      removeScope: recorded('accessToken.removeScope', toVoid),
    },
    authentication: {
      challengeWith: recorded('authentication.challengeWith', toVoid),
      challengeWithAny: recorded('authentication.challengeWithAny', toVoid),
      enrollWith: recorded('authentication.enrollWith', toVoid),
      enrollWithAny: recorded('authentication.enrollWithAny', toVoid),
      recordMethod: recorded('authentication.recordMethod', toApi),
      setPrimaryUser: recorded('authentication.setPrimaryUser', toVoid),
    },
    idToken: {
      setCustomClaim(name, value) {
        record('idToken.setCustomClaim', [name, value]);
        idTokenClaims[name] = value === undefined ? undefined : cloneJson(value);
        return api;
      },
    },
    multifactor: { enable: recorded('multifactor.enable', toApi) },
    prompt: {
      render(formId, renderOptions) {
        if (redirect !== undefined) throw new Error('Redirect and render commands cannot be used in the same action.');
        if (rendered) throw new Error('Only 1 render command per action is allowed.');
        record('prompt.render', [formId, renderOptions]);
        rendered = true;
      },
    },
    redirect: {
      sendUserTo(url, sendOptions) {
        if (rendered) throw new Error('Redirect and render commands cannot be used in the same action.');
        record('redirect.sendUserTo', [url, sendOptions]);
        const target = new URL(url);
        for (const [name, value] of Object.entries(sendOptions?.query ?? {})) {
          if (typeof value !== 'string') {
            throw testingTypeError('api.redirect.sendUserTo', `"options.query.${name}" must be a string (got ${typeof value})`);
          }
          target.searchParams.set(name, value);
        }
        target.searchParams.set('state', state);
        redirect = { url: target.href, state };
        return api;
      },
      encodeToken({ secret, payload, expiresInSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS }) {
        record('redirect.encodeToken', [{ secret: '(redacted)', payload, expiresInSeconds }]);
        if (typeof secret !== 'string' || secret === '') {
          throw testingTypeError('api.redirect.encodeToken', '"secret" must be a non-empty string');
        }
        if (!isRecord(payload)) throw testingTypeError('api.redirect.encodeToken', '"payload" must be an object');
        const issuedAt = Math.floor(Date.now() / 1000);
        // The payload comes last, as in Auth0: a payload key `sub` would replace the user id.
        const claims = {
          iat: issuedAt,
          iss: tenantDomain,
          sub: event.user?.user_id,
          exp: issuedAt + expiresInSeconds,
          ip: event.request?.ip,
          ...payload,
        };
        return signHs256(claims, secret);
      },
      validateToken({ secret, tokenParameterName = DEFAULT_TOKEN_PARAMETER }) {
        record('redirect.validateToken', [{ secret: '(redacted)', tokenParameterName }]);
        return validateSessionToken(event, secret, tokenParameterName, tenantDomain);
      },
      canRedirect() {
        record('redirect.canRedirect', []);
        return canRedirectLogin(event);
      },
    },
    refreshToken: {
      revoke: recorded('refreshToken.revoke', toVoid),
      setExpiresAt: recorded('refreshToken.setExpiresAt', toVoid),
      setIdleExpiresAt: recorded('refreshToken.setIdleExpiresAt', toVoid),
      setMetadata: recorded('refreshToken.setMetadata', toVoid),
      deleteMetadata: recorded('refreshToken.deleteMetadata', toVoid),
      evictMetadata: recorded('refreshToken.evictMetadata', toVoid),
    },
    rules: { wasExecuted: recorded('rules.wasExecuted', () => false) },
    samlResponse: Object.fromEntries(
      SAML_SETTERS.map((setter) => [setter, recorded(`samlResponse.${setter}`, toVoid)]),
    ) as unknown as PostLoginApi['samlResponse'],
    session: {
      revoke: recorded('session.revoke', toVoid),
      setExpiresAt: recorded('session.setExpiresAt', toVoid),
      setIdleExpiresAt: recorded('session.setIdleExpiresAt', toVoid),
      setCookieMode: recorded('session.setCookieMode', toVoid),
      setMetadata: recorded('session.setMetadata', toVoid),
      deleteMetadata: recorded('session.deleteMetadata', toVoid),
      evictMetadata: recorded('session.evictMetadata', toVoid),
    },
    transaction: {
      setMetadata(key, value) {
        record('transaction.setMetadata', [key, value]);
        if (value === null) delete transactionMetadata[key];
        else transactionMetadata[key] = value;
        // Auth0 updates `event.transaction.metadata` at once, for this Action and the next ones.
        if (event.transaction !== undefined) event.transaction.metadata = { ...transactionMetadata };
      },
    },
    user: {
      setAppMetadata(key, value) {
        const write = requireMetadataWrite('api.user.setAppMetadata', key, value);
        record('user.setAppMetadata', write);
        appMetadataWrites.push(write);
        return api;
      },
      setUserMetadata(key, value) {
        const write = requireMetadataWrite('api.user.setUserMetadata', key, value);
        record('user.setUserMetadata', write);
        userMetadataWrites.push(write);
        return api;
      },
    },
    validation: { error: recorded('validation.error', toApi) },
    get deniedWith() {
      return denials[0];
    },
    get denials() {
      return [...denials];
    },
    get appMetadataWrites() {
      return [...appMetadataWrites];
    },
    get pendingAppMetadata() {
      return Object.fromEntries(appMetadataWrites);
    },
    get userMetadataWrites() {
      return [...userMetadataWrites];
    },
    get pendingUserMetadata() {
      return Object.fromEntries(userMetadataWrites);
    },
    get idTokenClaims() {
      return { ...idTokenClaims };
    },
    get accessTokenClaims() {
      return { ...accessTokenClaims };
    },
    get transactionMetadata() {
      return { ...transactionMetadata };
    },
    get redirectedTo() {
      return redirect;
    },
    get calls() {
      return [...calls];
    },
    get blockedRequests() {
      return [...blockedRequests];
    },
  };
  return attachTransport(api, transport);
}

// Every setter of `api.samlResponse`, recorded alike.
const SAML_SETTERS = [
  'setAttribute', 'setAudience', 'setRecipient', 'setCreateUpnClaim', 'setPassthroughClaimsWithNoMapping',
  'setMapUnknownClaimsAsIs', 'setMapIdentities', 'setSignatureAlgorithm', 'setDigestAlgorithm', 'setDestination',
  'setLifetimeInSeconds', 'setSignResponse', 'setNameIdentifierFormat', 'setNameIdentifierProbes',
  'setAuthnContextClassRef', 'setSigningCert', 'setIncludeAttributeNameFormat', 'setTypedAttributes',
  'setEncryptionCert', 'setEncryptionPublicKey', 'setCert', 'setKey', 'setRelayState', 'setIssuer',
  'setEncryptionAlgorithm',
] as const satisfies ReadonlyArray<keyof PostLoginApi['samlResponse']>;

/**
 * Creates a post-change-password `api`: an `api.cache` that keeps Auth0's limits and can be
 * inspected, and nothing else, as in Auth0. Like {@link createPostLoginApi}, its transport refuses
 * the network unless you pass `fetch` (e.g. `tenant.fetch`).
 *
 * @example
 * ```ts
 * const api = createPostChangePasswordApi({ fetch: tenant.fetch });
 * await onExecutePostChangePassword(buildPostChangePasswordEvent({ user: { user_id }, secrets: tenant.secrets }), api);
 * expect(tenant.users.get(user_id)?.app_metadata.needsPasswordReset).toBe(false);
 * ```
 */
export function createPostChangePasswordApi(options?: RecordingApiOptions): RecordingPostChangePasswordApi {
  const where = 'createPostChangePasswordApi';
  const { cache = createMemoryCache(), fetch } = checkOptions(where, recordingApiOptionChecks, options);
  const blockedRequests: BlockedRequest[] = [];
  const api = { cache };
  // Not enumerable: a handler that looks at the api sees only `cache`, as in Auth0.
  Object.defineProperty(api, 'blockedRequests', { get: () => [...blockedRequests] });
  return attachTransport(api as RecordingPostChangePasswordApi, fetch ?? refuseNetwork(where, blockedRequests));
}
