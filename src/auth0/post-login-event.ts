/**
 * The `event` of the post-login trigger (Actions v3), as Auth0 documents it
 * (auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object).
 */
import type {
  Auth0AkamaiSignals,
  Auth0Configuration,
  Auth0Connection,
  Auth0CustomDomain,
  Auth0GeoIp,
  Auth0Secrets,
  Auth0Tenant,
  MetadataValue,
} from './common.js';

/** One linked identity of a user (`event.user.identities[]`). */
export interface Auth0Identity {
  /** The connection's name. */
  connection?: string;
  /** Whether the identity comes from a social provider. */
  isSocial?: boolean;
  /** The identity provider, e.g. `auth0`, `google-oauth2`, `samlp`. */
  provider?: string;
  /** The user's id at the provider. */
  user_id?: string;
  /** For a linked secondary identity: that identity's profile. */
  profileData?: Record<string, unknown>;
}

/** An authentication factor the user has enrolled (`event.user.enrolledFactors[]`). */
export interface PostLoginEnrolledFactor {
  /** `push-notification`, `phone`, `email`, `otp`, `webauthn-roaming`, `webauthn-platform`, … */
  type: string;
  /** Details of this enrolment, e.g. `{ sms: true }` for a phone. */
  options?: Record<string, unknown>;
}

/** `event.user` in the post-login trigger. */
export interface PostLoginUser {
  /** The user's unique id, e.g. `auth0|64b7f3c2a1d0e9f8a7b6c5d4`. */
  user_id: string;
  email?: string;
  email_verified: boolean;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  /** A URL. */
  picture?: string;
  phone_number?: string;
  phone_verified?: boolean;
  /** Metadata only administrators (and Actions) can change. This library keeps its flag here. */
  app_metadata: Record<string, MetadataValue | undefined>;
  /** Metadata the user can change. Never trusted for the flag. */
  user_metadata: Record<string, MetadataValue | undefined>;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change to the profile. */
  updated_at: string;
  /**
   * ISO-8601 time of the last password change or reset. Absent until the first one, and only
   * ever set for database connections.
   */
  last_password_reset?: string;
  /** The user's identities: the first is the one the account was created with. */
  identities: Auth0Identity[];
  /** The MFA providers the user is enrolled with (e.g. `guardian`). */
  multifactor?: string[];
  /** The authentication factors the user has enrolled. */
  enrolledFactors?: PostLoginEnrolledFactor[];
}

/** `event.transaction.protocol`: how the user authenticated. */
export type PostLoginProtocol =
  | 'oidc-basic-profile'
  | 'oidc-implicit-profile'
  | 'oidc-hybrid-profile'
  | 'oauth2-refresh-token'
  | 'oauth2-resource-owner'
  | 'oauth2-resource-owner-jwt-bearer'
  | 'oauth2-password'
  | 'oauth2-device-code'
  | 'oauth2-token-exchange'
  | 'oauth2-access-token'
  | 'oauth2-webauthn'
  | 'oidc-ciba'
  | 'oidc-ciba-web-link'
  | 'samlp'
  | 'wsfed'
  | 'wstrust-usernamemixed'
  // Auth0 adds protocols over time; keep the union open without losing completion.
  | (string & {});

/**
 * The name of one completed authentication method: `pwd` (a database password), `passkey`,
 * `federated` (a social or enterprise login), `sms` and `email` (passwordless), `phone_number`
 * (a password reset by phone), `mfa` (a second factor), or the URL a custom method was recorded
 * with (`api.authentication.recordMethod`).
 */
export type PostLoginAuthenticationMethodName =
  | 'pwd'
  | 'passkey'
  | 'federated'
  | 'sms'
  | 'email'
  | 'phone_number'
  | 'mfa'
  | 'mock'
  | (string & {});

/** One entry of `event.authentication.methods`. */
export interface PostLoginAuthenticationMethod {
  name: PostLoginAuthenticationMethodName;
  /** ISO-8601 time the method was completed. */
  timestamp: string;
}

/** How sure Auth0 is of a risk assessment. */
export type RiskConfidence = 'low' | 'medium' | 'high' | 'neutral' | (string & {});

/** One assessment of `event.authentication.riskAssessment.assessments`. */
export interface RiskAssessmentResult<Code extends string> {
  /** The finding, e.g. `no_match` for a device never seen before. */
  code: Code | (string & {});
  confidence: RiskConfidence;
  /** Extra detail some assessments carry. */
  details?: Record<string, unknown>;
}

/** `event.authentication.riskAssessment`: Auth0's Adaptive MFA signals. */
export interface PostLoginRiskAssessment {
  /** The overall confidence that the login is legitimate. */
  confidence: RiskConfidence;
  /** The version of the assessment model. */
  version: string;
  assessments: {
    /** Whether the login comes from a known agent (a bot Auth0 recognizes). */
    AgentDetection?: RiskAssessmentResult<'unknown' | 'verified_agent'>;
    /** Whether the distance from the last login could have been travelled since. */
    ImpossibleTravel?: RiskAssessmentResult<
      | 'minimal_travel_from_last_login'
      | 'travel_from_last_login'
      | 'substantial_travel_from_last_login'
      | 'impossible_travel_from_last_login'
      | 'invalid_travel'
      | 'missing_geoip'
      | 'anonymous_proxy'
      | 'unknown_location'
      | 'initial_login'
      | 'location_history_not_found'
      | 'assessment_not_available'
    >;
    /** Whether the device was seen before. */
    NewDevice?: RiskAssessmentResult<
      | 'match'
      | 'partial_match'
      | 'no_match'
      | 'initial_login'
      | 'unknown_device'
      | 'no_device_history'
      | 'assessment_not_available'
    >;
    /** Whether the IP address is on Auth0's list of low-reputation addresses. */
    UntrustedIP?: RiskAssessmentResult<
      'not_found_on_deny_list' | 'found_on_deny_list' | 'invalid_ip_address' | 'assessment_not_available'
    >;
  };
  /** Signals from third parties (Early Access). */
  supplemental?: { akamai?: Auth0AkamaiSignals };
}

/** `event.authentication`: what the user did to authenticate in this session. */
export interface PostLoginAuthentication {
  /** The methods completed in this session, oldest first. */
  methods: PostLoginAuthenticationMethod[];
  /** Adaptive MFA's risk assessment, when the tenant has it. */
  riskAssessment?: PostLoginRiskAssessment;
}

/** `event.authorization`: the user's roles (RBAC). */
export interface PostLoginAuthorization {
  /** The names of the roles assigned to the user. */
  roles: string[];
}

/** `event.client`: the application the user is logging in to. */
export interface PostLoginClient {
  client_id: string;
  /** The application's name as shown in the Dashboard. */
  name: string;
  /** The application's metadata (strings only). */
  metadata: Record<string, string>;
  /** Multi-resource refresh token policies (Early Access). */
  refresh_token?: { policies?: { audience?: string; scope?: string[] }[] };
}

/** `event.organization`: present when the login is for an Organization. */
export interface PostLoginOrganization {
  id: string;
  /** The Organization's name (an identifier, e.g. `acme`). */
  name: string;
  /** The Organization's name for people, e.g. `Acme Corp.`. */
  display_name: string;
  metadata: Record<string, string>;
}

/** `event.prompt`: what a custom prompt (`api.prompt.render`) collected. */
export interface PostLoginPrompt {
  /** The prompt's id. */
  id: string;
  /** The values of the form's fields and hidden fields. */
  fields?: Record<string, unknown>;
  /** Variables shared with the prompt. */
  vars?: Record<string, unknown>;
}

/** The device a session or refresh token was first and last used from. */
export interface Auth0DeviceInfo {
  initial_asn?: string;
  initial_ip?: string;
  initial_user_agent?: string;
  last_asn?: string;
  last_ip?: string;
  last_user_agent?: string;
}

/** `event.refresh_token` (Enterprise): the refresh token being exchanged. */
export interface PostLoginRefreshToken {
  id: string;
  client_id?: string;
  /** ISO-8601. */
  created_at: string;
  device?: Auth0DeviceInfo;
  /** ISO-8601 absolute expiry. */
  expires_at?: string;
  /** ISO-8601 idle expiry. */
  idle_expires_at?: string;
  /** ISO-8601. */
  last_exchanged_at?: string;
  /** Set with `api.refreshToken.setMetadata`. */
  metadata?: Record<string, unknown>;
  resource_servers?: { audience: string; scopes: string }[];
  rotating?: boolean;
  session_id?: string;
  /** Present for a refresh token created from a session transfer (native to web SSO). */
  session_transfer?: { parent_refresh_token?: { id?: string } };
  user_id?: string;
}

/** `event.request`: the HTTP request that started the transaction. */
export interface PostLoginRequest {
  /** The client's IP address. */
  ip: string;
  /** The autonomous system number of the client's network. */
  asn?: string;
  /** The host the login runs on: the tenant's domain or one of its custom domains. */
  hostname?: string;
  /** The `User-Agent` header. */
  user_agent?: string;
  /** The language the browser asked for. */
  language?: string;
  /** The HTTP method, e.g. `GET` for `/authorize`, `POST` for `/oauth/token`. */
  method: string;
  /** The authorization request's query parameters. */
  query: Record<string, unknown>;
  /** The body of a POST (refresh-token exchange, resource-owner grant, a form). */
  body: Record<string, unknown>;
  geoip: Auth0GeoIp;
}

/** `event.resource_server`: the API the access token is for. */
export interface PostLoginResourceServer {
  /** The API's identifier (its audience), e.g. `https://api.acme.example`. */
  identifier: string;
}

/** `event.security_context`: TLS fingerprints, when the tenant is behind Cloudflare. */
export interface PostLoginSecurityContext {
  ja3?: string;
  ja4?: string;
}

/** `event.session`: the login session. Most fields are for Enterprise customers. */
export interface PostLoginSession {
  /** The session's id. */
  id: string;
  /** For a delegated session: who acts on the user's behalf. */
  actor?: { sub: string; [claim: string]: string | number | boolean | null };
  /** ISO-8601: when the session last authenticated. */
  authenticated_at?: string;
  /** The applications that share the session. */
  clients?: { client_id: string }[];
  /** How the session cookie persists. */
  cookie?: { mode: 'persistent' | 'non-persistent' };
  /** ISO-8601. */
  created_at?: string;
  device?: Auth0DeviceInfo;
  /** ISO-8601 absolute expiry. */
  expires_at?: string;
  /** ISO-8601 idle expiry. */
  idle_expires_at?: string;
  /** ISO-8601. */
  last_interacted_at?: string;
  /** Set with `api.session.setMetadata` (Early Access). */
  metadata?: Record<string, unknown>;
  /** Present for a session created from a session transfer token (native to web SSO). */
  session_transfer?: { parent_refresh_token?: { id?: string; metadata?: Record<string, unknown> } };
  /** ISO-8601. */
  updated_at?: string;
  user_id?: string;
}

/** `event.session_transfer_token` (Early Access): the token used for native to web SSO. */
export interface PostLoginSessionTransferToken {
  /** The application that issued it. */
  client_id: string;
  /** The request that issued it. */
  request: { ip: string; asn?: string; user_agent?: string; geoip?: Auth0GeoIp };
  /** The scopes it was issued with. */
  scope: string[];
}

/** `event.stats`. */
export interface PostLoginStats {
  /**
   * How many times the user has logged in, already counting this login: the first login sees `1`.
   * Denied logins count too; SSO and silent authentication do not.
   */
  logins_count: number;
}

/** How the authorization response reaches the application (`event.transaction.response_mode`). */
export type PostLoginResponseMode = 'query' | 'fragment' | 'form_post' | 'web_message' | (string & {});

/** One entry of a Rich Authorization Request (`event.transaction.requested_authorization_details`). */
export interface AuthorizationDetail {
  /** Decides what else the entry holds. */
  type: string;
  [field: string]: unknown;
}

/** The actor of a token exchange (`event.transaction.actor`): `act` nests the delegation chain. */
export interface TokenExchangeActor {
  sub: string;
  act?: TokenExchangeActor;
  [claim: string]: unknown;
}

/** `event.transaction`: the authorization request being processed. */
export interface PostLoginTransaction {
  /** The transaction's id; present in browser-based logins. */
  id?: string;
  protocol?: PostLoginProtocol;
  /** The negotiated UI language, e.g. `fr-CA`. */
  locale?: string;
  /** The `ui_locales` of the authorization request. */
  ui_locales?: string[];
  /** The scopes the application asked for. */
  requested_scopes?: string[];
  /** Where Auth0 sends the browser at the end. */
  redirect_uri?: string;
  /** The `prompt` values, e.g. `['none']` for silent authentication, `['login']`. */
  prompt?: string[];
  login_hint?: string;
  acr_values?: string[];
  /** A Dynamic Linking id for this transaction. */
  linking_id?: string;
  /** The correlation id the application passed to `/authorize`, to follow one flow across logs. */
  correlation_id?: string;
  response_mode?: PostLoginResponseMode;
  /** The kinds of credential Auth0 returns. */
  response_type?: ('code' | 'token' | 'id_token')[];
  /** The application's own `state` for the authorization request (not the `state` of `/continue`). */
  state?: string;
  /** Rich Authorization Requests. */
  requested_authorization_details?: AuthorizationDetail[];
  /** Token exchange: the actor and its token type. */
  actor?: TokenExchangeActor;
  actor_token_type?: string;
  /** Token exchange: the subject token's type. */
  subject_token_type?: string;
  /**
   * Data the Actions of this transaction share, set with `api.transaction.setMetadata` and seen at
   * once by later Actions. Auth0 always sends it (`{}` when empty); optional here so that a test can
   * build a transaction without it.
   */
  metadata?: Record<string, string | number | boolean>;
}

/** The `event` of the post-login trigger. */
export interface PostLoginEvent {
  /** What the user did to authenticate in this session. */
  authentication?: PostLoginAuthentication;
  /** The user's roles. */
  authorization?: PostLoginAuthorization;
  client: PostLoginClient;
  connection: Auth0Connection;
  /** Present when the login runs on a custom domain. */
  custom_domain?: Auth0CustomDomain;
  /** Present when the login is for an Organization. */
  organization?: PostLoginOrganization;
  /** What a custom prompt collected. */
  prompt?: PostLoginPrompt;
  /** The refresh token being exchanged (Enterprise). */
  refresh_token?: PostLoginRefreshToken;
  request: PostLoginRequest;
  /** The API the access token is for. */
  resource_server?: PostLoginResourceServer;
  /** TLS fingerprints, behind Cloudflare. */
  security_context?: PostLoginSecurityContext;
  session?: PostLoginSession;
  /** The session transfer token in use (Early Access). */
  session_transfer_token?: PostLoginSessionTransferToken;
  /** `logins_count` already counts the current login: the first login sees `1`. */
  stats: PostLoginStats;
  tenant: Auth0Tenant;
  transaction?: PostLoginTransaction;
  user: PostLoginUser;
  /** The Action's secrets. */
  secrets: Auth0Secrets;
  /** The Action's configuration (Marketplace Actions). */
  configuration?: Auth0Configuration;
}
