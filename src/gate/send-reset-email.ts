import type { PostLoginEvent } from '../auth0/post-login.js';
import { ownValue, type ObligationKeys } from '../obligation/obligation.js';
import { parseIsoTime } from '../obligation/time.js';
import { isInteractiveLogin } from './interactive-login.js';
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
  keys: ObligationKeys,
  transport: typeof globalThis.fetch,
  now: number,
): Promise<ResetEmailResult> {
  try {
    if (!isInteractiveLogin(event)) return { outcome: 'not-interactive' };

    const { email, app_metadata: appMetadata } = event.user;
    if (typeof email !== 'string' || !email.includes('@')) return { outcome: 'no-address' };

    // Auth0 limits this endpoint to about one request a minute per address; repeated login attempts
    // must neither spam the user nor hit that limit. An email sent for an earlier obligation does
    // not count.
    const lastTime = parseIsoTime(ownValue(appMetadata, keys.emailedAtKey));
    const flaggedTime = parseIsoTime(ownValue(appMetadata, keys.flaggedAtKey));
    if (lastTime !== undefined) {
      const forThisObligation = flaggedTime === undefined || lastTime >= flaggedTime;
      if (forThisObligation && lastTime <= now && now - lastTime < settings.cooldownMs) return { outcome: 'cooldown' };
    }

    const hostname = event.request?.hostname;
    if (typeof hostname !== 'string' || hostname.length === 0) {
      return { outcome: 'failed', detail: 'event.request.hostname is missing' };
    }
    const response = await transport(`https://${hostname}/dbconnections/change_password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: event.client.client_id, email, connection: event.connection.name }),
      // The user's address goes to the login's own host, never to wherever a redirect points.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 300 && response.status < 400) return { outcome: 'failed', detail: `redirect refused (HTTP ${response.status})` };
    return response.ok ? { outcome: 'sent' } : { outcome: 'failed', detail: `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const refusedByTest = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code === 'AFPR_TEST_NETWORK_REFUSED';
    const detail = timedOut ? `no answer within ${settings.timeoutMs} ms` : refusedByTest ? 'a test api refused the network: give it a fetch' : 'request failed';
    return { outcome: 'failed', detail };
  }
}
