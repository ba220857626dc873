/**
 * The contract between the gate (post-login), the change-password page and the gate's
 * `onContinuePostLogin`: two HS256 tokens signed with one shared key, the Action secret that
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
 *
 * `purpose` tells the two apart, and from any other token an Action signs with the same key. Only
 * claims signed by us say where the user goes back to: `host`, never `iss`.
 */

/** The `purpose` of a token from the gate to the page. */
export const PAGE_SESSION_PURPOSE = 'afpr:change-password';
/** The `purpose` of a token from the page back to `/continue`. */
export const PASSWORD_CHANGED_PURPOSE = 'afpr:password-changed';
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
  /** When the obligation began, ISO 8601: a change must be later than this to meet it. */
  readonly since: string;
  /** Why the user must change the password: the gate's reason (`first-login`, `flagged`, …). */
  readonly reason: string;
  /** `event.transaction.locale`, so the page speaks the language of the login. */
  readonly locale?: string;
}

/** What the page puts in its token back to `/continue`, next to `sub`, `iss`, `iat`, `exp`, `state`. */
export interface ContinuePayload {
  readonly purpose: typeof PASSWORD_CHANGED_PURPOSE;
  /** When the new password was set, ISO 8601 (the Management API's `last_password_reset`). */
  readonly password_changed_at: string;
}
