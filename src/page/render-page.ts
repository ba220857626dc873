/**
 * The change-password page's HTML: self-contained (no external asset, no script needed for the
 * form), accessible (labels, described fields, an alert for errors, the page's language), and small.
 * Every value that comes from a request or a token is escaped.
 */

import { escapeHtml } from '../internal/escape-html.js';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:.5rem 0 1rem}label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #6b6f7a;border-radius:6px}input[readonly]{background:#f4f5f7}
input:focus,button:focus{outline:3px solid #1a56db;outline-offset:2px}
ul{margin:.25rem 0 0;padding-left:1.2rem;color:#3b3f4a;font-size:.9rem}
button{margin-top:1.5rem;width:100%;padding:.75rem;font:inherit;font-weight:600;color:#fff;background:#1a56db;border:0;border-radius:6px;cursor:pointer}
[role=alert]{padding:.75rem;border-radius:6px;background:#fdecea;color:#8a1c12;border:1px solid #f5c2bd}
`.trim();

function page(lang: string, title: string, nonce: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** What the form shows. Texts are already localized. */
export interface FormView {
  readonly lang: string;
  readonly nonce: string;
  readonly title: string;
  readonly intro: string;
  readonly accountLabel: string;
  readonly passwordLabel: string;
  readonly confirmLabel: string;
  readonly rulesHeading: string;
  readonly submit: string;
  /** The user's email, for the read-only account field (password managers file the password under it). */
  readonly email: string | undefined;
  /** The password rules, in words. */
  readonly rules: readonly string[];
  /** What went wrong with the last attempt, if anything. */
  readonly error: string | undefined;
  readonly sessionToken: string;
  readonly state: string;
  /** The minimum length, for the browser's own check. */
  readonly minLength: number;
}

/** The form: new password and confirmation, the rules, and the session (hidden). */
export function renderForm(view: FormView): string {
  const error = view.error === undefined ? '' : `<p role="alert" id="error">${escapeHtml(view.error)}</p>`;
  const described = `rules${view.error === undefined ? '' : ' error'}`;
  const account =
    view.email === undefined
      ? ''
      : `<label for="username">${escapeHtml(view.accountLabel)}</label><input id="username" name="username" type="email" autocomplete="username" value="${escapeHtml(view.email)}" readonly>`;
  const rules = view.rules.map((rule) => `<li>${escapeHtml(rule)}</li>`).join('');
  return page(
    view.lang,
    view.title,
    view.nonce,
    `<h1>${escapeHtml(view.title)}</h1><p>${escapeHtml(view.intro)}</p>${error}
<form method="post" novalidate>
<input type="hidden" name="session_token" value="${escapeHtml(view.sessionToken)}"><input type="hidden" name="state" value="${escapeHtml(view.state)}">
${account}
<label for="password">${escapeHtml(view.passwordLabel)}</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.minLength}" aria-describedby="${described}"${view.error === undefined ? '' : ' aria-invalid="true"'} autofocus>
<div id="rules"><span>${escapeHtml(view.rulesHeading)}</span><ul>${rules}</ul></div>
<label for="confirm">${escapeHtml(view.confirmLabel)}</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">${escapeHtml(view.submit)}</button>
</form>`,
  );
}

/** A page with a message and nothing to do here: an expired link, a locked session. */
export function renderMessage(lang: string, nonce: string, title: string, message: string): string {
  return page(lang, title, nonce, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}

/**
 * The way back to Auth0: a form that POSTs the page's token to `/continue` (as Auth0 recommends, so
 * the token is not left in a URL), sent by a tiny script, with a button for browsers without one.
 */
export function renderContinue(lang: string, nonce: string, title: string, done: string, button: string, continueUrl: string, sessionToken: string): string {
  return page(
    lang,
    title,
    nonce,
    `<h1>${escapeHtml(title)}</h1><p role="status">${escapeHtml(done)}</p>
<form id="continue" method="post" action="${escapeHtml(continueUrl)}"><input type="hidden" name="session_token" value="${escapeHtml(sessionToken)}"><button type="submit">${escapeHtml(button)}</button></form>
<script nonce="${nonce}">document.getElementById('continue').submit()</script>`,
  );
}
