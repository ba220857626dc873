/**
 * The `api` of the post-login trigger (Actions v3), as Auth0 documents it
 * (auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object).
 *
 * Return types follow Auth0's declarations: a method documented to return the `api` returns
 * {@link PostLoginApi} (so calls chain); the others return `void`, and chaining from them would
 * fail in Auth0 even where a test double allows it.
 */
import type { Auth0Cache, MetadataValue } from './common.js';

/** `api.access`. */
export interface PostLoginAccessApi {
  /**
   * Denies the login: the application receives `error=access_denied&error_description=<reason>`.
   * Metadata changes already requested are still saved; the flow stops after this Action.
   */
  deny(reason: string): PostLoginApi;
}

/** `api.accessToken`: changes to the access token being issued. */
export interface PostLoginAccessTokenApi {
  /** Sets a claim (namespace custom claims with a URL). */
  setCustomClaim(name: string, value: unknown): PostLoginApi;
  /** Adds a scope; throws when the scope is invalid. */
  addScope(scope: string): void;
  /** Removes a scope; throws when the scope is invalid. */
  removeScope(scope: string): void;
}

/** `api.idToken`: changes to the ID token being issued. */
export interface PostLoginIdTokenApi {
  /** Sets a claim (namespace custom claims with a URL). */
  setCustomClaim(name: string, value: unknown): PostLoginApi;
}

/**
 * A factor to challenge the user with (`api.authentication.challengeWith`). Kept closed on purpose:
 * a misspelt factor type or option is a compile error rather than a login that fails at run time.
 */
export type FactorSelector =
  | {
      type: 'otp' | 'email' | 'webauthn-platform' | 'webauthn-roaming' | 'recovery-code';
      options?: Record<string, unknown>;
    }
  | {
      type: 'phone';
      /** `preferredMethod`: offer SMS, a voice call, or both, first. */
      options?: { preferredMethod?: 'sms' | 'voice' | 'both' };
    }
  | {
      type: 'push' | 'push-notification';
      /** `otpFallback: false` removes the one-time-code fallback of push. */
      options?: { otpFallback?: boolean };
    };

/** A factor to enrol the user in (`api.authentication.enrollWith`). No `email`: it cannot be enrolled. */
export type EnrollmentFactorSelector =
  | {
      type: 'otp' | 'webauthn-platform' | 'webauthn-roaming' | 'push' | 'push-notification' | 'recovery-code';
      options?: Record<string, unknown>;
    }
  | {
      type: 'phone';
      options?: { preferredMethod?: 'sms' | 'voice' | 'both' };
    };

/** Options of `api.authentication.challengeWith`. */
export interface ChallengeWithOptions {
  /** Factors the user may pick instead of the first one. */
  additionalFactors?: FactorSelector[];
}

/** Options of `api.authentication.enrollWith`. */
export interface EnrollWithOptions {
  /** Factors the user may pick instead of the first one. */
  additionalFactors?: EnrollmentFactorSelector[];
}

/** `api.authentication`: step-up authentication, enrolment and account linking. */
export interface PostLoginAuthenticationApi {
  /**
   * Challenges the user with `factor` (or one of `options.additionalFactors`). Later Actions run
   * only once the challenge is met; factors not enabled or not enrolled are ignored, and the login
   * fails when none is left.
   */
  challengeWith(factor: FactorSelector, options?: ChallengeWithOptions): void;
  /** Lets the user choose any of `factors` (a factor selection screen first). */
  challengeWithAny(factors: FactorSelector[]): void;
  /** Asks the user to enrol `factor` (or one of `options.additionalFactors`). */
  enrollWith(factor: EnrollmentFactorSelector, options?: EnrollWithOptions): void;
  /** Lets the user choose any of `factors` to enrol. */
  enrollWithAny(factors: EnrollmentFactorSelector[]): void;
  /**
   * Records that a custom authentication method (identified by an `http:`/`https:` URL) was
   * completed; later logins see it in `event.authentication.methods`. Only in
   * `onContinuePostLogin`, after a redirect.
   */
  recordMethod(providerUrl: string): PostLoginApi;
  /**
   * Makes `primaryUserId` the subject of the login (account linking): the identity that logged in
   * must be one of that user's secondary identities. Once per transaction.
   */
  setPrimaryUser(primaryUserId: string): void;
}

/** MFA providers for `api.multifactor.enable`. */
export type MultifactorProvider = 'any' | 'guardian' | 'google-authenticator' | 'duo' | 'none' | (string & {});

/** Duo's settings, for `api.multifactor.enable('duo', { providerOptions })`. */
export interface DuoProviderOptions {
  host: string;
  ikey: string;
  skey: string;
  username?: string;
}

/** Options of `api.multifactor.enable`. */
export interface EnableMultifactorOptions<Provider extends MultifactorProvider = MultifactorProvider> {
  /**
   * Lets the user skip MFA on this browser for a while (30 days for `google-authenticator` and
   * `duo`; an opt-in checkbox for `guardian`).
   * @default false
   */
  allowRememberBrowser?: boolean;
  /** Only for `duo`. */
  providerOptions?: Provider extends 'duo' ? DuoProviderOptions : never;
}

/** `api.multifactor`. */
export interface PostLoginMultifactorApi {
  /**
   * Requires MFA for this login with `provider` (`any` for any configured provider); the challenge
   * happens at the end of the flow.
   */
  enable<Provider extends MultifactorProvider>(provider: Provider, options?: EnableMultifactorOptions<Provider>): PostLoginApi;
}

/** Options of `api.prompt.render`. */
export interface RenderPromptOptions {
  /** Values for the form's fields (client side). */
  fields?: Record<string, unknown>;
  /** Variables for the prompt (server side). */
  vars?: Record<string, unknown>;
}

/** `api.prompt`: Auth0 Forms. */
export interface PostLoginPromptApi {
  /** Renders the form `formId`; its answers come back in `event.prompt`. No redirect in the same Action. */
  render(formId: string, options?: RenderPromptOptions): void;
}

/** Options of `api.redirect.sendUserTo`. */
export interface SendUserToOptions {
  /** Query parameters to add to the URL (Auth0 adds `state` itself). */
  query?: Record<string, string>;
}

/** Options of `api.redirect.encodeToken`. */
export interface EncodeTokenOptions {
  /** The shared signing key (HS256): keep it in an Action secret. */
  secret: string;
  /** Data for the redirect target, signed so that it can trust it. */
  payload: Record<string, unknown>;
  /**
   * The token's lifetime.
   * @default 900
   */
  expiresInSeconds?: number;
}

/** Options of `api.redirect.validateToken`. */
export interface ValidateTokenOptions {
  /** The shared signing key the redirect target signed with. */
  secret: string;
  /**
   * The query or body parameter of the `/continue` request that holds the token.
   * @default 'session_token'
   */
  tokenParameterName?: string;
}

/**
 * The claims of a token `api.redirect.validateToken` accepted: the standard claims Auth0 documents,
 * and whatever else the redirect target put in it.
 */
export interface RedirectTokenPayload {
  /** The user the token is about. */
  sub?: string;
  /** Who signed it. */
  iss?: string;
  /** Expiry, in UNIX seconds. */
  exp?: number;
  /** Issued at, in UNIX seconds. */
  iat?: number;
  /** The transaction's `state`; Auth0 checks it equals the `/continue` request's. */
  state?: string;
  [claim: string]: unknown;
}

/**
 * `api.redirect`: send the user to a page of yours and resume in `onContinuePostLogin` when the page
 * sends the browser to `https://{domain}/continue?state=…`. Redirects do not work for refresh-token
 * exchange, resource-owner grants or `prompt=none`.
 */
export interface PostLoginRedirectApi {
  /** Redirects the browser to `url` once this Action returns; Auth0 appends `state`. */
  sendUserTo(url: string, options?: SendUserToOptions): PostLoginApi;
  /**
   * Signs `payload` into a token for the redirect target (HS256; with `sub` the user id, `iss` the
   * login's hostname, `exp`, `ip`).
   */
  encodeToken(options: EncodeTokenOptions): string;
  /**
   * Reads the token the redirect target sent to `/continue` (query or body) and checks its signature,
   * expiry and `state`; returns its claims. Throws when the token is missing or invalid.
   */
  validateToken(options: ValidateTokenOptions): RedirectTokenPayload;
  /**
   * Whether this transaction can redirect at all (not for refresh-token or password grants, nor
   * `prompt=none`). Auth0 deprecates relying on it: handle `interaction_required` as well.
   */
  canRedirect(): boolean;
}

/** `api.refreshToken` (Enterprise): the refresh token being exchanged. */
export interface PostLoginRefreshTokenApi {
  /** Revokes the refresh token and denies this exchange. */
  revoke(reason: string): void;
  /** Sets the absolute expiry, in milliseconds since the epoch (the earliest call wins). */
  setExpiresAt(absolute: number): void;
  /** Sets the idle expiry, in milliseconds since the epoch (the earliest call wins). */
  setIdleExpiresAt(inactivity: number): void;
  /** Sets a metadata key; `null` deletes it. */
  setMetadata(key: string, value: string | null): void;
  /** Deletes a metadata key. */
  deleteMetadata(key: string): void;
  /** Deletes every metadata key. */
  evictMetadata(): void;
}

/** A SAML attribute's value; `null` removes the attribute. */
export type SamlAttributeValue = string | number | boolean | null | (string | number | boolean)[];

/** `api.samlResponse`: the SAML assertion issued to a SAML application. */
export interface PostLoginSamlResponseApi {
  setAttribute(attribute: string, value: SamlAttributeValue): void;
  setAudience(audience: string): void;
  setRecipient(recipient: string): void;
  setCreateUpnClaim(createUpnClaim: boolean): void;
  setPassthroughClaimsWithNoMapping(passthroughClaimsWithNoMapping: boolean): void;
  setMapUnknownClaimsAsIs(mapUnknownClaimsAsIs: boolean): void;
  setMapIdentities(mapIdentities: boolean): void;
  /** `rsa-sha256` (the default); `rsa-sha1` is deprecated. */
  setSignatureAlgorithm(signatureAlgorithm: 'rsa-sha256' | 'rsa-sha1'): void;
  /** `sha256` (the default); `sha1` is deprecated. */
  setDigestAlgorithm(digestAlgorithm: 'sha256' | 'sha1'): void;
  setDestination(destination: string): void;
  /** @default 3600 */
  setLifetimeInSeconds(lifetimeInSeconds: number): void;
  setSignResponse(signResponse: boolean): void;
  setNameIdentifierFormat(nameIdentifierFormat: string): void;
  setNameIdentifierProbes(nameIdentifierProbes: string[]): void;
  setAuthnContextClassRef(authnContextClassRef: string): void;
  setSigningCert(signingCert: string): void;
  setIncludeAttributeNameFormat(includeAttributeNameFormat: boolean): void;
  setTypedAttributes(typedAttributes: boolean): void;
  setEncryptionCert(encryptionCert: string): void;
  setEncryptionPublicKey(encryptionPublicKey: string): void;
  setCert(cert: string): void;
  /** A private key: keep it in an Action secret. */
  setKey(key: string): void;
  setRelayState(relayState: string): void;
  setIssuer(issuer: string): void;
  /** `aes256-gcm` is recommended; `aes256-cbc` (the default) is deprecated. */
  setEncryptionAlgorithm(encryptionAlgorithm: 'aes256-gcm' | 'aes256-cbc'): void;
}

/** Options of `api.session.revoke`. */
export interface SessionRevokeOptions {
  /**
   * End the session but keep its refresh tokens working.
   * @default false
   */
  preserveRefreshTokens?: boolean;
}

/** `api.session` (Enterprise): the login session. */
export interface PostLoginSessionApi {
  /** Revokes the session and denies this login. */
  revoke(reason: string, options?: SessionRevokeOptions): void;
  /** Sets the absolute expiry, in milliseconds since the epoch (the earliest call wins). */
  setExpiresAt(absolute: number): void;
  /** Sets the idle expiry, in milliseconds since the epoch (the earliest call wins). */
  setIdleExpiresAt(inactivity: number): void;
  /** Whether the session cookie outlives the browser (Early Access; the last call wins). */
  setCookieMode(mode: 'persistent' | 'non-persistent'): void;
  /** Sets a metadata key; `null` deletes it (Early Access). */
  setMetadata(key: string, value: string | null): void;
  /** Deletes a metadata key (Early Access). */
  deleteMetadata(key: string): void;
  /** Deletes every metadata key (Early Access). */
  evictMetadata(): void;
}

/** `api.transaction`. */
export interface PostLoginTransactionApi {
  /** Sets `event.transaction.metadata[key]` for the Actions that follow; `null` deletes it. */
  setMetadata(key: string, value: string | number | boolean | null): void;
}

/** `api.user`: metadata changes, batched and saved once at the end of the flow. */
export interface PostLoginUserApi {
  /** Queues a change to `app_metadata`: the key, then the value (`null` deletes the key). */
  setAppMetadata(key: string, value: MetadataValue | undefined): PostLoginApi;
  /** Queues a change to `user_metadata`: the key, then the value (`null` deletes the key). */
  setUserMetadata(key: string, value: MetadataValue | undefined): PostLoginApi;
}

/** `api.validation`. */
export interface PostLoginValidationApi {
  /** Stops the login with an error code and message of your own. */
  error(errorCode: string, errorMessage: string): PostLoginApi;
}

/** `api.rules`: for tenants still migrating from Rules. */
export interface PostLoginRulesApi {
  /** Whether the Rule `ruleId` ran in this transaction. */
  wasExecuted(ruleId: string): boolean;
}

/** The `api` of the post-login trigger. */
export interface PostLoginApi {
  readonly access: PostLoginAccessApi;
  readonly accessToken: PostLoginAccessTokenApi;
  readonly authentication: PostLoginAuthenticationApi;
  /** A key-value store shared by the executions of this trigger. */
  readonly cache: Auth0Cache;
  readonly idToken: PostLoginIdTokenApi;
  readonly multifactor: PostLoginMultifactorApi;
  readonly prompt: PostLoginPromptApi;
  readonly redirect: PostLoginRedirectApi;
  readonly refreshToken: PostLoginRefreshTokenApi;
  readonly rules: PostLoginRulesApi;
  readonly samlResponse: PostLoginSamlResponseApi;
  readonly session: PostLoginSessionApi;
  readonly transaction: PostLoginTransactionApi;
  readonly user: PostLoginUserApi;
  readonly validation: PostLoginValidationApi;
}
