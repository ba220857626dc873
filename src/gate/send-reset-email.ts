import type { PostLoginEvent } from '../auth0/post-login.js';
import type { ResolvedResetEmail } from './options.js';

/**
 * What became of a reset email: `sent`; not needed (`cooldown`); not for this kind of login
 * (`not-interactive`); impossible (`no-address`); or `failed`.
 */
export interface ResetEmailResult {
  outcome: 'sent' | 'cooldown' | 'not-interactive' | 'no-address' | 'failed';
  /** For `failed`: why, e.g. `HTTP 429` or `no answer within 2500 ms`. */
  detail?: string;
}

/** Logins with a person at a screen (`event.transaction.protocol`). */
const INTERACTIVE_PROTOCOLS: ReadonlySet<string> = new Set([
  'oidc-basic-profile',
  'oidc-implicit-profile',
  'oidc-hybrid-profile',
  'samlp',
  'wsfed',
]);

/**
 * Asks Auth0 to email the user a link to set a new password, through the Authentication API's
 * `POST /dbconnections/change_password` on the domain the user is logging in on — the robust
 * alternative to redirecting to a password-change ticket, which breaks under New Universal Login.
 * No credentials are needed: the login's own `client_id`, the user's email and the connection.
 *
 * Loaded by the gate only when it denies with emails enabled, so other logins never pay for it.
 * Never throws: a failure is a result, logged by the gate, and the login is denied all the same.
 */
export async function sendResetEmail(
  event: PostLoginEvent,
  settings: ResolvedResetEmail,
  now: number,
): Promise<ResetEmailResult> {
  try {
    // Refresh-token and password grants, and silent authentication, have no user at a screen: an app
    // refreshing tokens in the background would otherwise mail the user every cooldown, forever.
    const protocol = event.transaction?.protocol;
    const silent = event.transaction?.prompt?.includes('none') ?? false;
    if (protocol === undefined || !INTERACTIVE_PROTOCOLS.has(protocol) || silent) return { outcome: 'not-interactive' };

    const { email, app_metadata: appMetadata } = event.user;
    if (typeof email !== 'string' || !email.includes('@')) return { outcome: 'no-address' };

    // Auth0 limits this endpoint to about one request a minute per address; repeated login attempts
    // must neither spam the user nor hit that limit. An email sent for an earlier obligation does
    // not count.
    const last = appMetadata?.[settings.emailedAtKey];
    const lastTime = typeof last === 'string' ? Date.parse(last) : Number.NaN;
    const flaggedAt = appMetadata?.[settings.flaggedAtKey];
    const flaggedTime = typeof flaggedAt === 'string' ? Date.parse(flaggedAt) : Number.NaN;
    const forThisObligation = !(flaggedTime > lastTime);
    if (forThisObligation && lastTime <= now && now - lastTime < settings.cooldownMs) return { outcome: 'cooldown' };

    const hostname = event.request?.hostname;
    if (typeof hostname !== 'string' || hostname.length === 0) {
      return { outcome: 'failed', detail: 'event.request.hostname is missing' };
    }
    const response = await (settings.fetch ?? globalThis.fetch)(`https://${hostname}/dbconnections/change_password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: event.client.client_id, email, connection: event.connection.name }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    return response.ok ? { outcome: 'sent' } : { outcome: 'failed', detail: `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { outcome: 'failed', detail: timedOut ? `no answer within ${settings.timeoutMs} ms` : 'request failed' };
  }
}
