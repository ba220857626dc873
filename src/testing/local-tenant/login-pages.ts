import { createHash } from 'node:crypto';
import { escapeHtml } from '../../internal/escape-html.js';
import type { TenantResponse } from './http-messages.js';

/**
 * The local tenant's own pages — the sign-in form of `/authorize` and the error pages of the login
 * flow: small, self-contained (no script, no external asset) and accessible (labels, landmarks, an
 * error announced with `role="alert"` and tied to its field), so a browser test can scan them too.
 */

const STYLE = [
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f3f4f6;color:#111827}',
  'main{max-width:22rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px #0003}',
  'h1{font-size:1.4rem;margin:0 0 1rem}',
  'label{display:block;margin-top:1rem;font-weight:600}',
  'input{box-sizing:border-box;width:100%;padding:.6rem;margin-top:.25rem;border:1px solid #6b7280;border-radius:.25rem;font:inherit}',
  'button{margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:.25rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}',
  '.error{margin:1rem 0 0;padding:.6rem;border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d}',
  '.note{color:#374151;font-size:.9rem}',
].join('');

// The only inline content the pages have: allowed by its hash, nothing else is.
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers of every page: never cached, never framed, no referrer (the URL may hold a code or a state),
 * and a policy that allows the page's one style sheet and nothing else. There is no `form-action`:
 * a browser applies it to the redirects that follow a sign-in too, and those go to the application
 * and to the pages Actions send users to.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'`,
};

function document(language: string, title: string, main: string): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(language)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><main>${main}</main></body></html>`,
  ].join('');
}

/** What the sign-in form shows. */
export interface LoginFormView {
  /** Where the form posts: `/authorize` with the authorization request's query. */
  readonly action: string;
  /** The email typed before a failed attempt, kept in the field. */
  readonly email?: string | undefined;
  /** Why the last attempt failed, in words. */
  readonly error?: string | undefined;
  /** The application's name, for the heading. */
  readonly clientName: string;
}

/** The sign-in form of `/authorize` (status 200, or 400 after a failed attempt). */
export function loginFormResponse(view: LoginFormView): TenantResponse {
  const { action, email = '', error, clientName } = view;
  const describedBy = error === undefined ? '' : ' aria-describedby="login-error" aria-invalid="true"';
  const main = [
    `<h1>Sign in to ${escapeHtml(clientName)}</h1>`,
    '<p class="note">Local Auth0 tenant: database users only.</p>',
    error === undefined ? '' : `<p id="login-error" class="error" role="alert">${escapeHtml(error)}</p>`,
    `<form method="post" action="${escapeHtml(action)}">`,
    `<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${describedBy}>`,
    `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>`,
    '<button type="submit">Continue</button>',
    '</form>',
  ].join('');
  return { status: error === undefined ? 200 : 400, headers: PAGE_HEADERS, body: document('en', `Sign in to ${clientName}`, main) };
}

/**
 * An error page, for what cannot go back to an application: an unknown client or callback URL, or a
 * `/continue` no login waits for. It names the OAuth error code, as Auth0's error page does.
 */
export function errorPageResponse(status: number, error: string, description: string): TenantResponse {
  const main = [
    '<h1>Something went wrong</h1>',
    `<p role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>`,
    '<p class="note">Go back to the application and sign in again.</p>',
  ].join('');
  return { status, headers: PAGE_HEADERS, body: document('en', `Error: ${error}`, main) };
}

/** What a resumed login that did not start at `/authorize` ends with: there is no application to go back to. */
export function outcomePageResponse(outcome: string): TenantResponse {
  const main = `<h1>Login resumed</h1><p role="status">${escapeHtml(outcome)}</p>`;
  return { status: 200, headers: PAGE_HEADERS, body: document('en', 'Login resumed', main) };
}

/** A 302 to `location`, never cached. */
export function redirectResponse(location: string): TenantResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}
