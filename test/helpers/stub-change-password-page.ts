import { signHs256, verifyHs256 } from '../../src/internal/hs256-jwt.js';
import { PASSWORD_CHANGED_PURPOSE } from '../../src/internal/page-session.js';

/**
 * A STAND-IN for the change-password page (`auth0-force-password-reset/page`) until it lands: the same
 * contract (src/internal/page-session.ts) and the same moves — a form on GET, a Management API PATCH on
 * POST with Auth0's refusal shown inline, then an auto-submitting POST of a new token to `/continue` —
 * and nothing more (no replay store, no policy text, no CSP). The flow tests drive it like the real one.
 */
export interface StubPageOptions {
  /** The tenant's `host:port` (the Management API's and `/continue`'s). */
  readonly domain: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The shared key: the gate's `CHANGE_PASSWORD_PAGE_SECRET`. */
  readonly sessionSecret: string;
  readonly fetch: typeof globalThis.fetch;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const html = (body: string, status = 200) =>
  new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Choose a new password</title></head><body><main>${body}</main></body></html>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });

function form(sessionToken: string, state: string, error?: string): Response {
  const alert = error === undefined ? '' : `<p role="alert" id="password-error">${escape(error)}</p>`;
  return html(
    `<h1>Choose a new password</h1>${alert}<form method="post">` +
      `<input type="hidden" name="session_token" value="${escape(sessionToken)}"><input type="hidden" name="state" value="${escape(state)}">` +
      '<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required>' +
      '<label for="confirm">Confirm the new password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>' +
      '<button type="submit">Set the password</button></form>',
    error === undefined ? 200 : 400,
  );
}

/** The stand-in page as a Web-standard handler. */
export function createStubChangePasswordPage(options: StubPageOptions): (request: Request) => Promise<Response> {
  const { domain, fetch } = options;
  const scheme = /^(127\.|localhost)/.test(domain) ? 'http' : 'https';

  async function managementToken(): Promise<string> {
    const response = await fetch(`https://${domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret, audience: `https://${domain}/api/v2/` }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  return async function stubChangePasswordPage(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const fields = request.method === 'POST' ? new URLSearchParams(await request.text()) : url.searchParams;
    const sessionToken = fields.get('session_token') ?? '';
    const state = fields.get('state') ?? '';
    const verified = verifyHs256(sessionToken, options.sessionSecret, Math.floor(Date.now() / 1000));
    if ('refused' in verified || state === '') return html('<h1>This link has expired</h1><p>Go back to the application and sign in again.</p>', 400);
    const { claims } = verified;
    if (request.method === 'GET') return form(sessionToken, state);

    const password = fields.get('password') ?? '';
    if (password !== fields.get('confirm')) return form(sessionToken, state, 'The two passwords differ.');
    const response = await fetch(`https://${domain}/api/v2/users/${encodeURIComponent(String(claims['sub']))}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await managementToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password, connection: claims['connection'] }),
    });
    const answer = (await response.json()) as { message?: string; last_password_reset?: string };
    if (response.status !== 200) return form(sessionToken, state, answer.message ?? `Auth0 answered ${response.status}`);

    const now = Math.floor(Date.now() / 1000);
    const back = signHs256(
      { sub: claims['sub'], iss: claims['iss'], iat: now, exp: now + 60, state, purpose: PASSWORD_CHANGED_PURPOSE, password_changed_at: answer.last_password_reset },
      options.sessionSecret,
    );
    const target = `${scheme}://${String(claims['iss'])}/continue?state=${encodeURIComponent(state)}`;
    return html(
      `<h1>Password changed</h1><form id="continue" method="post" action="${escape(target)}"><input type="hidden" name="session_token" value="${escape(back)}">` +
        '<button type="submit">Continue</button></form><script>document.getElementById("continue").submit()</script>',
    );
  };
}
