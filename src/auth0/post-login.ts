import type { Auth0Cache, Auth0Connection, Auth0Tenant, MetadataValue } from './common.js';

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
  /** The provider's profile data. */
  profileData?: Record<string, unknown>;
}

/** `event.user` in the post-login trigger. */
export interface PostLoginUser {
  user_id: string;
  email?: string;
  email_verified: boolean;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
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
  identities: Auth0Identity[];
  multifactor?: string[];
  enrolledFactors?: { type: string; options?: Record<string, unknown> }[];
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

/** The `event` of the post-login trigger. */
export interface PostLoginEvent {
  user: PostLoginUser;
  connection: Auth0Connection;
  client: { client_id: string; name: string; metadata: Record<string, string> };
  request: {
    ip: string;
    hostname?: string;
    user_agent?: string;
    language?: string;
    method?: string;
    query: Record<string, unknown>;
    body: Record<string, unknown>;
    geoip?: Record<string, unknown>;
  };
  /** `logins_count` already counts the current login: the first login sees `1`. */
  stats: { logins_count: number };
  transaction?: {
    id?: string;
    protocol?: PostLoginProtocol;
    /** The negotiated UI language, e.g. `fr-CA`. */
    locale?: string;
    ui_locales?: string[];
    requested_scopes?: string[];
    redirect_uri?: string;
    prompt?: string[];
    login_hint?: string;
    acr_values?: string[];
  };
  authentication?: {
    methods: { name: string; timestamp: string }[];
  };
  organization?: { id: string; name: string; display_name: string; metadata: Record<string, string> };
  resource_server?: { identifier: string };
  session?: { id?: string };
  tenant: Auth0Tenant;
  /** The Action's secrets. */
  secrets: Record<string, string | undefined>;
}

/** The `api` of the post-login trigger (the parts this library uses, and their common neighbours). */
export interface PostLoginApi {
  access: {
    /** Deny the login: the app receives `error=access_denied&error_description=<reason>`. */
    deny(reason: string): PostLoginApi;
  };
  user: {
    /** Queue a change to `app_metadata`; saved once at the end of the trigger. `null` deletes. */
    setAppMetadata(key: string, value: MetadataValue | undefined): PostLoginApi;
    /** Queue a change to `user_metadata`; saved once at the end of the trigger. `null` deletes. */
    setUserMetadata(key: string, value: MetadataValue | undefined): PostLoginApi;
  };
  /** A key-value store shared by the executions of this trigger. */
  cache: Auth0Cache;
  idToken: { setCustomClaim(name: string, value: unknown): PostLoginApi };
  accessToken: {
    setCustomClaim(name: string, value: unknown): PostLoginApi;
    addScope?(scope: string): PostLoginApi;
    removeScope?(scope: string): PostLoginApi;
  };
  multifactor: {
    enable(provider: string, options?: { allowRememberBrowser?: boolean; providerOptions?: Record<string, unknown> }): PostLoginApi;
  };
  /**
   * Redirects do not work for refresh-token exchange, resource-owner grants or `prompt=none`, and a
   * redirect straight to a password-change ticket breaks under New Universal Login.
   */
  redirect: {
    sendUserTo(url: string, options?: { query?: Record<string, string> }): PostLoginApi;
  };
}

/** The function a post-login Action exports as `onExecutePostLogin`. */
export type PostLoginHandler = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;
