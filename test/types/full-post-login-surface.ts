/**
 * Compile-only: a realistic thin action that does more than call the gate — MFA, a redirect with a
 * signed session token and its `onContinuePostLogin`, session and token changes, roles — type-checks
 * against the Auth0 types of `/auth0-types` without a single cast, and misuse does not. (Run by
 * `npm run typecheck`, part of `npm test`.)
 */
import { expectTypeOf } from 'vitest';
import type {
  PostChangePasswordEvent,
  PostChangePasswordHandler,
  PostLoginActionModule,
  PostLoginApi,
  PostLoginContinueHandler,
  PostLoginEvent,
  PostLoginHandler,
  RedirectTokenPayload,
} from '../../src/auth0/index.js';
import { createFirstLoginGate } from '../../src/index.js';

const gate = createFirstLoginGate({ log: false });
const PAGE_URL = 'https://consent.acme.example/terms';

export const onExecutePostLogin: PostLoginHandler = async (event, api) => {
  // Roles, organization, the custom domain, risk.
  const isAdmin = event.authorization?.roles.includes('admin') ?? false;
  if (event.organization !== undefined) api.idToken.setCustomClaim('https://acme.example/org', event.organization.display_name);
  if (event.custom_domain?.domain === 'login.acme.example') api.accessToken.setCustomClaim('https://acme.example/cd', true);
  const risk = event.authentication?.riskAssessment?.assessments.NewDevice?.code;
  expectTypeOf(event.request.geoip.countryCode).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.transaction?.response_mode).toEqualTypeOf<'query' | 'fragment' | 'form_post' | 'web_message' | (string & {}) | undefined>();
  expectTypeOf(event.session?.device?.last_ip).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.security_context?.ja4).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.refresh_token?.rotating).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(event.resource_server?.identifier).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.prompt?.fields).toEqualTypeOf<Record<string, unknown> | undefined>();
  expectTypeOf(event.stats.logins_count).toBeNumber();
  expectTypeOf(event.secrets['CONSENT_SECRET']).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.configuration?.['PLAN']).toEqualTypeOf<string | undefined>();

  // Step-up MFA for admins and risky devices.
  if (isAdmin || risk === 'no_match') {
    api.authentication.challengeWith({ type: 'phone', options: { preferredMethod: 'both' } }, { additionalFactors: [{ type: 'otp' }, { type: 'push-notification', options: { otpFallback: false } }] });
  }
  if ((event.user.multifactor ?? []).length === 0 && isAdmin) api.authentication.enrollWithAny([{ type: 'otp' }, { type: 'webauthn-roaming' }]);
  api.multifactor.enable('duo', { allowRememberBrowser: true, providerOptions: { host: 'api-1.duosecurity.com', ikey: 'i', skey: 's' } });
  api.multifactor.enable('any').idToken.setCustomClaim('https://acme.example/mfa', true);

  // Sessions, tokens, the transaction.
  api.session.setExpiresAt(Date.now() + 8 * 3_600_000);
  api.session.setCookieMode('non-persistent');
  api.refreshToken.setMetadata('device', 'kiosk');
  api.accessToken.addScope('read:reports');
  api.transaction.setMetadata('consentAsked', true);
  if (api.rules.wasExecuted('rul_legacy')) return;

  // The gate, then a redirect to a consent page with a signed token.
  await gate(event, api);
  const secret = event.secrets['CONSENT_SECRET'];
  if (secret !== undefined && api.redirect.canRedirect() && event.user.app_metadata['consented'] !== true) {
    const token = api.redirect.encodeToken({ secret, expiresInSeconds: 300, payload: { email: event.user.email ?? null } });
    expectTypeOf(token).toBeString();
    api.redirect.sendUserTo(PAGE_URL, { query: { session_token: token } });
  }
};

export const onContinuePostLogin: PostLoginContinueHandler = async (event, api) => {
  const secret = event.secrets['CONSENT_SECRET'];
  if (secret === undefined) return void api.access.deny('Misconfigured.');
  let payload: RedirectTokenPayload;
  try {
    payload = api.redirect.validateToken({ secret, tokenParameterName: 'session_token' });
  } catch {
    api.access.deny('Your session expired; please sign in again.');
    return;
  }
  expectTypeOf(payload.sub).toEqualTypeOf<string | undefined>();
  if (payload['consented'] === true) api.user.setAppMetadata('consented', true);
  api.authentication.recordMethod('https://consent.acme.example/terms');
};

// The two exports together, as the Action module.
export const module: PostLoginActionModule = { onExecutePostLogin, onContinuePostLogin };

// A post-change-password Action reads the documented v2 event.
export const onExecutePostChangePassword: PostChangePasswordHandler = async (event: PostChangePasswordEvent, api) => {
  expectTypeOf(event.request.method).toBeString();
  expectTypeOf(event.user.phone_verified).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(event.transaction?.correlation_id).toEqualTypeOf<string | undefined>();
  const deleted = api.cache.delete('k');
  if (deleted.type === 'error') expectTypeOf(deleted.code).toBeString();
};

// Misuse is caught at compile time.
((api: PostLoginApi) => {
  // @ts-expect-error a factor type Auth0 does not have
  api.authentication.challengeWith({ type: 'sms' });
  // @ts-expect-error a phone option that does not exist
  api.authentication.challengeWith({ type: 'phone', options: { preferredMethod: 'carrier-pigeon' } });
  // @ts-expect-error email cannot be enrolled
  api.authentication.enrollWith({ type: 'email' });
  // @ts-expect-error providerOptions are Duo's only
  api.multifactor.enable('guardian', { providerOptions: { host: 'h', ikey: 'i', skey: 's' } });
  // @ts-expect-error encodeToken needs a secret
  api.redirect.encodeToken({ payload: {} });
  // @ts-expect-error sendUserTo's query values are strings
  api.redirect.sendUserTo(PAGE_URL, { query: { attempt: 2 } });
  // @ts-expect-error addScope returns nothing: Auth0's api cannot be chained from it
  api.accessToken.addScope('a').accessToken.addScope('b');
  // @ts-expect-error the cookie mode is persistent or non-persistent
  api.session.setCookieMode('forever');
  // @ts-expect-error transaction metadata holds strings, numbers and booleans
  api.transaction.setMetadata('step', { nested: true });
})(null as never);
((event: PostLoginEvent) => {
  // @ts-expect-error the roles are under event.authorization, which may be absent
  void event.authorization.roles;
  // @ts-expect-error geoip fields are optional strings, not numbers
  const country: number = event.request.geoip.countryCode;
  void country;
})(null as never);
