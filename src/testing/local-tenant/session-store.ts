import { randomBytes } from 'node:crypto';
import { testingError } from '../testing-error.js';
import type { UserRecords } from './user-store.js';

/**
 * A session of a user of the local tenant, shaped like a part of the Management API's session
 * object (`GET /api/v2/sessions/{id}`): what a sign-in leaves behind in Auth0.
 *
 * @example
 * ```ts
 * const session = tenant.sessions.create(user.user_id); // { id, user_id, created_at, clients: [{ client_id }] }
 * ```
 */
export interface TenantSession {
  readonly id: string;
  readonly user_id: string;
  /** ISO 8601, by the tenant clock. */
  readonly created_at: string;
  /** The applications the session signed in to. */
  readonly clients: readonly { readonly client_id: string }[];
}

/**
 * A refresh token of a user of the local tenant, shaped like a part of the Management API's refresh
 * token object (`GET /api/v2/refresh-tokens/{id}`). Never its secret value: only what identifies it.
 *
 * @example
 * ```ts
 * const token = tenant.sessions.issueRefreshToken(user.user_id, { sessionId: session.id });
 * ```
 */
export interface TenantRefreshToken {
  readonly id: string;
  readonly user_id: string;
  readonly client_id: string;
  /** The session it was issued in, if any. */
  readonly session_id: string | undefined;
  /** ISO 8601, by the tenant clock. */
  readonly created_at: string;
}

/**
 * The sessions and refresh tokens of a local tenant's users: what the Management API's revoke
 * endpoints end (`POST /api/v2/users/{id}/revoke-access`, `DELETE /api/v2/users/{id}/sessions`,
 * `DELETE /api/v2/users/{id}/refresh-tokens`). Auth0 answers those 202 and acts later; the local
 * tenant acts before it answers.
 *
 * @example
 * ```ts
 * const session = tenant.sessions.create(user.user_id);
 * tenant.sessions.issueRefreshToken(user.user_id, { sessionId: session.id });
 * // … a run with --revoke-sessions …
 * tenant.sessions.list(user.user_id); // []
 * tenant.sessions.refreshTokens(user.user_id); // []
 * ```
 */
export interface SessionStore {
  /**
   * Starts a session of this user, as a sign-in does.
   * @throws Error when no user has this id.
   */
  create(userId: string, options?: { readonly clientId?: string }): TenantSession;
  /** The user's sessions, oldest first (none for an unknown id). */
  list(userId: string): TenantSession[];
  /**
   * Issues a refresh token to this user, in one of the user's sessions if given.
   * @throws Error when no user has this id, or the session is not one of the user's.
   */
  issueRefreshToken(userId: string, options?: { readonly sessionId?: string; readonly clientId?: string }): TenantRefreshToken;
  /** The user's refresh tokens, oldest first (none for an unknown id). */
  refreshTokens(userId: string): TenantRefreshToken[];
}

/** What `revoke-access` ends. */
export interface AccessRevocation {
  /** One session only (and its refresh tokens unless preserved); every session when absent. */
  readonly sessionId: string | undefined;
  readonly preserveRefreshTokens: boolean;
}

/** The store as the HTTP API sees it. */
export interface SessionRecords extends SessionStore {
  /** `POST /api/v2/users/{id}/revoke-access`. */
  revokeAccess(userId: string, revocation: AccessRevocation): void;
  /** `DELETE /api/v2/users/{id}/sessions`. */
  deleteSessions(userId: string): void;
  /** `DELETE /api/v2/users/{id}/refresh-tokens`. */
  deleteRefreshTokens(userId: string): void;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

/** Creates the (empty) session store of a local tenant. */
export function createSessionStore(users: Pick<UserRecords, 'get'>, clock: () => number, defaultClientId: () => string): SessionRecords {
  const sessions = new Map<string, TenantSession[]>();
  const refreshTokens = new Map<string, TenantRefreshToken[]>();
  const now = () => new Date(clock()).toISOString();
  const requireUser = (where: string, userId: string) => {
    if (users.get(userId) === undefined) throw testingError(where, `no user has the id ${JSON.stringify(userId)}`);
  };

  return {
    create(userId, options = {}) {
      requireUser('localTenant.sessions.create', userId);
      const session: TenantSession = Object.freeze({
        id: newId('sess'),
        user_id: userId,
        created_at: now(),
        clients: Object.freeze([Object.freeze({ client_id: options.clientId ?? defaultClientId() })]),
      });
      sessions.set(userId, [...(sessions.get(userId) ?? []), session]);
      return session;
    },
    list: (userId) => [...(sessions.get(userId) ?? [])],
    issueRefreshToken(userId, options = {}) {
      const where = 'localTenant.sessions.issueRefreshToken';
      requireUser(where, userId);
      const { sessionId } = options;
      if (sessionId !== undefined && !(sessions.get(userId) ?? []).some((session) => session.id === sessionId)) {
        throw testingError(where, `the user has no session ${JSON.stringify(sessionId)}`);
      }
      const token: TenantRefreshToken = Object.freeze({
        id: newId('rt'),
        user_id: userId,
        client_id: options.clientId ?? defaultClientId(),
        session_id: sessionId,
        created_at: now(),
      });
      refreshTokens.set(userId, [...(refreshTokens.get(userId) ?? []), token]);
      return token;
    },
    refreshTokens: (userId) => [...(refreshTokens.get(userId) ?? [])],
    revokeAccess(userId, { sessionId, preserveRefreshTokens }) {
      const ended = (session: TenantSession) => sessionId === undefined || session.id === sessionId;
      sessions.set(userId, (sessions.get(userId) ?? []).filter((session) => !ended(session)));
      if (preserveRefreshTokens) return;
      // Every refresh token of the user, or those of the one session.
      refreshTokens.set(userId, sessionId === undefined ? [] : (refreshTokens.get(userId) ?? []).filter((token) => token.session_id !== sessionId));
    },
    deleteSessions: (userId) => void sessions.delete(userId),
    deleteRefreshTokens: (userId) => void refreshTokens.delete(userId),
  };
}
