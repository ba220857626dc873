/**
 * The contract between the gate (post-login), the change-password page and the gate's
 * `onContinuePostLogin`: HS256 tokens signed with one shared key, the Action secret that
 * `changePasswordPage.secret` names and the page's `sessionSecret`.
 * (auth0.com/docs/customize/actions/redirect-with-actions)
 *
 * 1. The gate → the page: made by Auth0's `api.redirect.encodeToken`, which sets `sub` (the user),
 *    `iss` (the tenant's domain — not necessarily the host the user signs in on), `iat`, `exp` and
 *    `ip`, then spreads our {@link PageSessionPayload} over them — so the payload never uses those
 *    names. Auth0 appends `state` to the page's URL. The token travels in that URL, so it carries no
 *    personal data: the user's id and what the page must know, nothing the page can read from Auth0.
 * 2. The page → `/continue`: made by the page after the password change, carrying `sub` and `iss`
 *    unchanged, a short `exp`, the transaction's `state` (Auth0's `validateToken` compares it with
 *    the `/continue` request's) and {@link ContinuePayload}.
 * 3. The page → `/continue` when the user chose "Not now" in a warning session (one with `due`): the
 *    same claims with {@link SkippedPayload} — no password involved. The gate accepts it only while
 *    its own decision for the login does not stop it (still a warning, or nothing due any more).
 *
 * `purpose` tells them apart, and from any other token an Action signs with the same key. Only
 * claims signed by us say where the user goes back to: `host`, never `iss`.
 */

/** The `purpose` of a token from the gate to the page. */
export const PAGE_SESSION_PURPOSE = 'afpr:change-password';
/** The `purpose` of a token from the page back to `/continue`. */
export const PASSWORD_CHANGED_PURPOSE = 'afpr:password-changed';
/** The `purpose` of the page's token back to `/continue` after "Not now" in a warning session. */
export const PASSWORD_CHANGE_SKIPPED_PURPOSE = 'afpr:password-change-skipped';
/** The longest Auth0 session id passed on (Auth0's `session_id` is at most 50 characters). */
const MAX_SESSION_ID_LENGTH = 64;

/**
 * Whether `value` can be an Auth0 session id that the page may name back to the Management API:
 * 1 to 64 printable ASCII characters. The gate sends only such an id, and the page reads only such.
 */
export const isAuth0SessionId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_SESSION_ID_LENGTH && /^[\x21-\x7e]+$/.test(value);
/** The query parameter (to the page) and form field (to `/continue`) that carries a token. */
export const SESSION_TOKEN_PARAMETER = 'session_token';
/** The shortest key either side accepts, in bytes: HS256 wants at least its output size. */
export const MIN_PAGE_SECRET_BYTES = 32;

/** What the gate puts in its token, next to Auth0's `sub`, `iss`, `iat`, `exp` and `ip`. */
export interface PageSessionPayload {
  readonly purpose: typeof PAGE_SESSION_PURPOSE;
  /** The database connection of the user, for the password change and its policy. */
  readonly connection: string;
  /**
   * The host the user signs in on (`event.request.hostname`: a custom domain, or the canonical one):
   * the login transaction and its cookies live there, so `/continue` must be on it.
   */
  readonly host: string;
  /** The `app_metadata` key of the obligation. */
  readonly flag: string;
  /**
   * When the obligation began, ISO 8601: a change must be later than this to meet it. In a warning
   * session, when the current password was set: any change since makes the warning moot.
   */
  readonly since: string;
  /**
   * Why the user must change the password: the gate's reason (`first-login`, `flagged`, …), or the
   * warning's (`password-expires-soon`, `passwords-set-before-grace`).
   */
  readonly reason: string;
  /**
   * A warning session: when the change becomes required, ISO 8601. The page offers "Not now" only
   * in such a session.
   */
  readonly due?: string;
  /**
   * The Auth0 session of the login in progress (`event.session.id`): the one session the page keeps
   * when it signs the user out of the others. An identifier, not a credential — OpenID Connect
   * Front-Channel Logout sends it (`sid`) in URLs itself, and ending a session takes a Management API
   * token — and nothing personal; signed, so no one can name another session to keep.
   */
  readonly sid?: string;
  /** `event.transaction.locale`, so the page speaks the language of the login. */
  readonly locale?: string;
}

/** What the page puts in its token back to `/continue`, next to `sub`, `iss`, `iat`, `exp`, `state`. */
export interface ContinuePayload {
  readonly purpose: typeof PASSWORD_CHANGED_PURPOSE;
  /** When the new password was set, ISO 8601 (the Management API's `last_password_reset`). */
  readonly password_changed_at: string;
}

/** What the page puts in its token back to `/continue` after "Not now", next to `sub`, `iss`, `iat`, `exp`, `state`. */
export interface SkippedPayload {
  readonly purpose: typeof PASSWORD_CHANGE_SKIPPED_PURPOSE;
}
