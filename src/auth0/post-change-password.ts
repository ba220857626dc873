/**
 * The post-change-password trigger (Actions v2), as Auth0 documents it
 * (auth0.com/docs/customize/actions/explore-triggers/password-reset-triggers/post-change-password-trigger).
 * It runs after a database user's password changed, cannot affect the change, and gets no
 * `app_metadata`.
 */
import type {
  Auth0AkamaiSignals,
  Auth0Cache,
  Auth0Configuration,
  Auth0Connection,
  Auth0CustomDomain,
  Auth0GeoIp,
  Auth0Secrets,
  Auth0Tenant,
} from './common.js';

/**
 * `event.user` in the post-change-password trigger. Note what is missing: Auth0 does not pass
 * `app_metadata` here, so the clearer must read it through the Management API.
 */
export interface PostChangePasswordUser {
  user_id?: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  /** ISO-8601 time of this password change. */
  last_password_reset?: string;
}

/** `event.request` of the post-change-password trigger: the request that changed the password. */
export interface PostChangePasswordRequest {
  ip: string;
  hostname?: string;
  user_agent?: string;
  language?: string;
  /** The HTTP method, e.g. `POST`. */
  method: string;
  geoip: Auth0GeoIp;
}

/** The `event` of the post-change-password trigger. */
export interface PostChangePasswordEvent {
  user: PostChangePasswordUser;
  connection: Auth0Connection;
  request: PostChangePasswordRequest;
  tenant: Auth0Tenant;
  /** Present when the change ran on a custom domain. */
  custom_domain?: Auth0CustomDomain;
  /** Supplemental risk signals (Early Access, with Akamai in front of the tenant). */
  authentication?: { riskAssessment?: { supplemental?: { akamai?: Auth0AkamaiSignals } } };
  transaction?: {
    /** The correlation id the application passed to `/authorize`. */
    correlation_id?: string;
  };
  /** The Action's secrets (the M2M credentials live here). */
  secrets: Auth0Secrets;
  /** The Action's configuration (Marketplace Actions). */
  configuration?: Auth0Configuration;
}

/** The `api` of the post-change-password trigger: only a cache. */
export interface PostChangePasswordApi {
  readonly cache: Auth0Cache;
}

/** The function a post-change-password Action exports as `onExecutePostChangePassword`. */
export type PostChangePasswordHandler = (
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
) => Promise<void>;
