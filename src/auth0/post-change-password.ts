import type { Auth0Cache, Auth0Connection, Auth0Tenant } from './common.js';

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
  /** ISO-8601 time of this password change. */
  last_password_reset?: string;
}

/** The `event` of the post-change-password trigger. */
export interface PostChangePasswordEvent {
  user: PostChangePasswordUser;
  connection: Auth0Connection;
  request: {
    ip: string;
    hostname?: string;
    user_agent?: string;
    language?: string;
    geoip?: Record<string, unknown>;
  };
  tenant: Auth0Tenant;
  /** The Action's secrets (the M2M credentials live here). */
  secrets: Record<string, string | undefined>;
  transaction?: { id?: string };
}

/** The `api` of the post-change-password trigger: only a cache. */
export interface PostChangePasswordApi {
  cache: Auth0Cache;
}

/** The function a post-change-password Action exports as `onExecutePostChangePassword`. */
export type PostChangePasswordHandler = (
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
) => Promise<void>;
