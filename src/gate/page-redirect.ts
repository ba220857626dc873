import type { PostLoginApi, PostLoginEvent } from '../auth0/post-login.js';
import { isAuth0SessionId, MIN_PAGE_SECRET_BYTES, PAGE_SESSION_PURPOSE, SESSION_TOKEN_PARAMETER, type PageSessionPayload } from '../internal/page-session.js';
import type { ObligationKeys } from '../obligation/obligation.js';
import { isInteractiveLogin } from './interactive-login.js';
import type { ResolvedPage } from './options.js';

/** What became of a redirect to the page: `sent`, or why not (the login is then denied as without the page). */
export type PageRedirectResult =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'not-possible' | 'secret-unusable' | 'failed'; readonly detail: string };

/** The Action secret holding the shared key, when it is long enough; otherwise why not. */
export function readPageSecret(event: PostLoginEvent, page: ResolvedPage): string | { readonly problem: string } {
  const secrets: Record<string, unknown> = event.secrets ?? {};
  const key = Object.hasOwn(secrets, page.secretName) ? secrets[page.secretName] : undefined;
  if (typeof key !== 'string' || key.length === 0) return { problem: `Action secret ${page.secretName} is missing` };
  // The value is never quoted, nor its length: only that it is too short.
  if (Buffer.byteLength(key) < MIN_PAGE_SECRET_BYTES) {
    return { problem: `Action secret ${page.secretName} is shorter than ${MIN_PAGE_SECRET_BYTES} bytes` };
  }
  return key;
}

/** Why the user goes to the page: an obligation (`since`), or a warning before one (`due`). */
export interface PageVisit {
  /** The gate's reason: `first-login`, `flagged`, …, or a warning's (`password-expires-soon`, …). */
  readonly reason: string;
  /**
   * ISO 8601: a password change after this meets what sent the user — when the obligation began,
   * or, for a warning, when the current password was set.
   */
  readonly since: string;
  /** A warning: when the change becomes required, ISO 8601. The page then offers "Not now". */
  readonly due?: string;
}

/** `event.session.id` when it is one the page can name back to Auth0; `undefined` otherwise. */
function sessionIdOf(event: PostLoginEvent): string | undefined {
  const id = (event as { session?: { id?: unknown } }).session?.id;
  return isAuth0SessionId(id) ? id : undefined;
}

/**
 * Sends the user to the change-password page with a signed session token, instead of denying (or,
 * for a warning, instead of letting the login go on unasked). Loaded by the gate only for such a
 * login, with a page configured. Never throws: a failure is a result, and the gate then decides as it
 * would without the page.
 */
export function redirectToPage(event: PostLoginEvent, api: PostLoginApi, page: ResolvedPage, keys: ObligationKeys, visit: PageVisit): PageRedirectResult {
  try {
    // The one meaning of "interactive", shared with the reset email: a person at a screen, not prompt=none.
    if (!isInteractiveLogin(event)) return { outcome: 'not-possible', detail: 'not an interactive login' };
    const { redirect } = api;
    // Auth0's canRedirect is deprecated as the last word, but a "no" is still a no.
    if (typeof redirect.canRedirect === 'function' && redirect.canRedirect() === false) {
      return { outcome: 'not-possible', detail: 'api.redirect.canRedirect() says no' };
    }
    const secret = readPageSecret(event, page);
    if (typeof secret !== 'string') return { outcome: 'secret-unusable', detail: secret.problem };
    // The way back: /continue on the host the user signs in on, which the page checks against its allowedHosts.
    const host = event.request?.hostname;
    if (typeof host !== 'string' || host.length === 0) return { outcome: 'not-possible', detail: 'event.request.hostname is missing' };
    const locale = event.transaction?.locale;
    // The session of this login: the one the page keeps when it signs the user out of the others.
    const sid = sessionIdOf(event);
    // No email, no name, no `by` (it may name a person): the token travels in a URL, into access
    // logs and the browser's history.
    const payload: PageSessionPayload = {
      purpose: PAGE_SESSION_PURPOSE,
      connection: event.connection.name,
      host,
      flag: keys.flag,
      since: visit.since,
      reason: visit.reason,
      ...(visit.due === undefined ? {} : { due: visit.due }),
      ...(sid === undefined ? {} : { sid }),
      ...(typeof locale === 'string' && locale.length > 0 ? { locale } : {}),
    };
    const token = redirect.encodeToken({ secret, payload: { ...payload }, expiresInSeconds: page.expiresInSeconds });
    redirect.sendUserTo(page.url, { query: { [SESSION_TOKEN_PARAMETER]: token } });
    return { outcome: 'sent' };
  } catch (error) {
    // The name only: a message could quote the URL, token included.
    return { outcome: 'failed', detail: `api.redirect failed (${error instanceof Error ? error.name : 'non-error thrown'})` };
  }
}
