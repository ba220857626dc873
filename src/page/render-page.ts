/**
 * The change-password page's HTML: self-contained (no external asset; the form's one script, under
 * the nonce, only adds to a form that works without it), accessible (labels, fields described by
 * their rules and errors, alerts, the language of the texts), and small. Every value that comes from
 * a request, a token or the options is escaped.
 */

import { escapeHtml } from '../internal/escape-html.js';
import { FORM_SCRIPT } from './page-script.js';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:.5rem 0 1rem}label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #6b6f7a;border-radius:6px}input[readonly]{background:#f4f5f7}
input:focus,button:focus{outline:3px solid #1a56db;outline-offset:2px}input[aria-invalid=true]{border-color:#a4161a}
button{font:inherit;border-radius:6px;cursor:pointer}
#submit,#continue button{margin-top:1.5rem;width:100%;padding:.75rem;font-weight:600;color:#fff;background:#1a56db;border:0}#submit:disabled{background:#6b6f7a;cursor:wait}
#show-password{margin:.4rem 0 0;padding:.25rem .6rem;color:#1a56db;background:#fff;border:1px solid #1a56db;font-size:.9rem}
#rules{margin:.75rem 0 0;color:#3b3f4a;font-size:.9rem}#rules p{margin:0}
#rule-list{margin:.25rem 0 0;padding:0;list-style:none}#rule-list li{padding-left:1.4em;text-indent:-1.4em}
#rule-list li::before{content:"•";display:inline-block;width:1.4em;text-indent:0}
#rule-list li[data-met=yes]{color:#0b6b2f}#rule-list li[data-met=yes]::before{content:"✓";content:"✓"/""}
#rule-list li[data-met=no]::before{content:"✗";content:"✗"/""}
.state{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.error{margin:.5rem 0 0;padding:.6rem .75rem;border-radius:6px;background:#fdecea;color:#8a1c12;border:1px solid #f5c2bd}
.error p{margin:0}.error ul{margin:.25rem 0 0;padding-left:1.2rem}
.check{display:flex;gap:.5rem;align-items:flex-start;margin:1rem 0 0}.check input{width:auto;margin:.3rem 0 0}.check label{margin:0;font-weight:400}
#sign-out-notice{margin:1rem 0 0;font-size:.9rem;color:#3b3f4a}
#not-now{margin-top:.75rem;width:100%;padding:.65rem;color:#1a56db;background:#fff;border:1px solid #1a56db}
`.trim();

function page(lang: string, title: string, nonce: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** One rule in the list: its words, and — for a rule a browser can check alone — what the script checks. */
export interface RuleView {
  readonly text: string;
  /** The rule as `data-*` attributes (`rule`, `min`, `at-least`, …) for the script; absent for a rule only the server can check. */
  readonly check?: Readonly<Record<string, string | number>>;
}

/** What went wrong with the new password: the rules it broke (under `intro`), or one sentence. */
export type PasswordError = { readonly intro: string; readonly rules: readonly string[] } | { readonly message: string };

/** What the form shows. Texts are already in the page's language. */
export interface FormView {
  readonly lang: string;
  readonly nonce: string;
  readonly title: string;
  /** Why the user must choose a new password. */
  readonly why: string;
  readonly accountLabel: string;
  readonly passwordLabel: string;
  readonly confirmLabel: string;
  readonly showPassword: string;
  readonly hidePassword: string;
  readonly rulesHeading: string;
  readonly ruleMet: string;
  readonly ruleNotMet: string;
  readonly submit: string;
  /** The user's email, for the read-only account field (password managers file the password under it). */
  readonly email: string | undefined;
  readonly rules: readonly RuleView[];
  /** A problem that is not the password's (busy, unavailable), above the form. */
  readonly formError?: string;
  /** What is wrong with the new password, under it. */
  readonly passwordError?: PasswordError;
  /** What is wrong with the confirmation (the two differ), under it. */
  readonly confirmError?: string;
  readonly sessionToken: string;
  readonly state: string;
  /** The minimum length, for the browser's own check. */
  readonly minLength: number;
  /**
   * Ending the other sessions once the password is set: a checkbox (`offer`), or a sentence saying it
   * will be done (`always`); absent when nothing will be ended.
   */
  readonly signOut?: { readonly mode: 'offer'; readonly label: string; readonly checked: boolean } | { readonly mode: 'always'; readonly notice: string };
  /** A warning: the text of the "Not now" button, in a form of its own under the form. */
  readonly notNow?: string;
}

/** The checkbox, or the sentence, of `signOutOtherSessions`. */
function renderSignOut(signOut: FormView['signOut']): string {
  if (signOut === undefined) return '';
  if (signOut.mode === 'always') return `<p id="sign-out-notice">${escapeHtml(signOut.notice)}</p>`;
  return `<div class="check"><input type="checkbox" id="sign-out-others" name="sign_out_others" value="yes"${signOut.checked ? ' checked' : ''}><label for="sign-out-others">${escapeHtml(signOut.label)}</label></div>`;
}

const dataAttributes = (check: RuleView['check']) =>
  Object.entries(check ?? {})
    .map(([name, value]) => ` data-${name}="${escapeHtml(String(value))}"`)
    .join('');

function renderPasswordError(error: PasswordError): string {
  if ('message' in error) return `<p class="error" id="password-error" role="alert">${escapeHtml(error.message)}</p>`;
  const rules = error.rules.map((rule) => `<li>${escapeHtml(rule)}</li>`).join('');
  return `<div class="error" id="password-error" role="alert"><p>${escapeHtml(error.intro)}</p><ul>${rules}</ul></div>`;
}

/**
 * The form: the account, the new password with its rules (a checklist the script ticks off as the user
 * types), the confirmation, the session (hidden). Each error sits under its field and describes it
 * (`aria-describedby`); the first field in error takes the focus.
 */
export function renderForm(view: FormView): string {
  const { passwordError, confirmError, formError } = view;
  const account =
    view.email === undefined
      ? ''
      : `<label for="username">${escapeHtml(view.accountLabel)}</label><input id="username" name="username" type="email" autocomplete="username" value="${escapeHtml(view.email)}" readonly>`;
  const focusConfirm = confirmError !== undefined && passwordError === undefined;
  const invalid = (error: unknown) => (error === undefined ? '' : ' aria-invalid="true"');
  const rules = view.rules
    .map((rule) => (rule.check === undefined ? `<li>${escapeHtml(rule.text)}</li>` : `<li${dataAttributes(rule.check)}><span class="state"></span>${escapeHtml(rule.text)}</li>`))
    .join('');
  return page(
    view.lang,
    view.title,
    view.nonce,
    `<h1>${escapeHtml(view.title)}</h1><p id="why">${escapeHtml(view.why)}</p>${formError === undefined ? '' : `<p class="error" id="form-error" role="alert">${escapeHtml(formError)}</p>`}
<form method="post" novalidate>
<input type="hidden" name="session_token" value="${escapeHtml(view.sessionToken)}"><input type="hidden" name="state" value="${escapeHtml(view.state)}">
${account}
<label for="password">${escapeHtml(view.passwordLabel)}</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.minLength}" aria-describedby="${passwordError === undefined ? '' : 'password-error '}rules"${invalid(passwordError)}${focusConfirm ? '' : ' autofocus'}>
<button type="button" id="show-password" aria-controls="password confirm" data-show="${escapeHtml(view.showPassword)}" data-hide="${escapeHtml(view.hidePassword)}" hidden>${escapeHtml(view.showPassword)}</button>
${passwordError === undefined ? '' : renderPasswordError(passwordError)}
<div id="rules"><p>${escapeHtml(view.rulesHeading)}</p><ul id="rule-list" data-met="${escapeHtml(view.ruleMet)}" data-not-met="${escapeHtml(view.ruleNotMet)}">${rules}</ul></div>
<label for="confirm">${escapeHtml(view.confirmLabel)}</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required${confirmError === undefined ? '' : ' aria-describedby="confirm-error"'}${invalid(confirmError)}${focusConfirm ? ' autofocus' : ''}>
${confirmError === undefined ? '' : `<p class="error" id="confirm-error" role="alert">${escapeHtml(confirmError)}</p>`}
${renderSignOut(view.signOut)}
<button type="submit" id="submit">${escapeHtml(view.submit)}</button>
</form>
${
  view.notNow === undefined
    ? ''
    : `<form method="post" id="not-now-form"><input type="hidden" name="session_token" value="${escapeHtml(view.sessionToken)}"><input type="hidden" name="state" value="${escapeHtml(view.state)}"><button type="submit" id="not-now" name="action" value="not-now">${escapeHtml(view.notNow)}</button></form>`
}
<script nonce="${view.nonce}">${FORM_SCRIPT}</script>`,
  );
}

/** A page with a message and nothing to do here: an expired link, a locked session. */
export function renderMessage(lang: string, nonce: string, title: string, message: string): string {
  return page(lang, title, nonce, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}

/**
 * The way back to Auth0: a form that POSTs the page's token to `/continue` (as Auth0 recommends, so
 * the token is not left in a URL), sent by a tiny script, with a button for browsers without one.
 * With `autoSubmit` false the message stays until the user presses the button (something to read).
 */
export function renderContinue(lang: string, nonce: string, title: string, done: string, button: string, continueUrl: string, sessionToken: string, autoSubmit = true): string {
  return page(
    lang,
    title,
    nonce,
    `<h1>${escapeHtml(title)}</h1><p role="${autoSubmit ? 'status' : 'alert'}">${escapeHtml(done)}</p>
<form id="continue" method="post" action="${escapeHtml(continueUrl)}"><input type="hidden" name="session_token" value="${escapeHtml(sessionToken)}"><button type="submit">${escapeHtml(button)}</button></form>
${autoSubmit ? `<script nonce="${nonce}">document.getElementById('continue').submit()</script>` : ''}`,
  );
}
