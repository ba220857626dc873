/**
 * The form's one script, sent under the page's nonce. The form works without it — the server checks
 * every rule and says which were broken — and with it the user gets more: the rules ticked off as
 * the password is typed, a button that shows the password, and a submit button that turns itself off
 * once pressed (a double click would otherwise meet the page's "busy" answer). Nothing here blocks
 * paste, and nothing leaves the page: no request, no storage.
 *
 * Plain ES2017 in a string: the browser runs it as written, and a reader of the page reads it as
 * written. The rule checks mirror `src/password/password-rules.ts` for the rules a browser can check
 * alone; `test/unit/page/page-script.test.ts` runs both on the same passwords and requires the same answers.
 */

/**
 * `breaks(password, rule)`: whether `password` breaks the rule that a checklist item's `data-*`
 * attributes describe (`data-rule`, `data-min`, `data-max`, `data-type`, `data-at-least`, `data-types`).
 */
export const RULE_CHECKS_SCRIPT: string = String.raw`
var TYPES = { lowercase: /[a-z]/, uppercase: /[A-Z]/, number: /[0-9]/, special: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_{|}~\x60]/ };
function isAlphanumeric(code) { return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122); }
function longestIdenticalRun(text) {
  var longest = 0, run = 0;
  for (var i = 0; i < text.length; i++) { run = i > 0 && text[i] === text[i - 1] ? run + 1 : 1; if (run > longest) longest = run; }
  return longest;
}
function longestSequence(text) {
  var run = text.length > 0 && isAlphanumeric(text.charCodeAt(0)) ? 1 : 0, longest = run, direction = 0;
  for (var i = 1; i < text.length; i++) {
    var code = text.charCodeAt(i);
    if (!isAlphanumeric(code)) { run = 0; direction = 0; continue; }
    var step = code - text.charCodeAt(i - 1);
    if (step === 1 || step === -1) { run = step === direction ? run + 1 : 2; direction = step; } else { run = 1; direction = 0; }
    if (run > longest) longest = run;
  }
  return longest;
}
function breaks(password, rule) {
  switch (rule.rule) {
    case 'min-length': return password.length < Number(rule.min);
    case 'max-bytes': return new TextEncoder().encode(password).length > Number(rule.max);
    case 'character-type': return !TYPES[rule.type].test(password);
    case 'character-types': return rule.types.split(' ').filter(function (type) { return TYPES[type].test(password); }).length < Number(rule.atLeast);
    case 'no-identical-run': return longestIdenticalRun(password) > Number(rule.max);
    case 'no-sequence': return longestSequence(password) > Number(rule.max);
    default: return false;
  }
}`;

/** The whole script of the form. */
export const FORM_SCRIPT: string = `(function () {
'use strict';${RULE_CHECKS_SCRIPT}
var password = document.getElementById('password'), confirm = document.getElementById('confirm');
var list = document.getElementById('rule-list'), items = list.querySelectorAll('li[data-rule]');
function tick() {
  for (var i = 0; i < items.length; i++) {
    var item = items[i], state = item.querySelector('.state');
    if (password.value === '') { item.removeAttribute('data-met'); state.textContent = ''; continue; }
    var met = !breaks(password.value, item.dataset);
    item.setAttribute('data-met', met ? 'yes' : 'no');
    state.textContent = (met ? list.dataset.met : list.dataset.notMet) + ' ';
  }
}
password.addEventListener('input', tick);
tick();
var toggle = document.getElementById('show-password');
function show(visible) {
  password.type = confirm.type = visible ? 'text' : 'password';
  toggle.textContent = visible ? toggle.dataset.hide : toggle.dataset.show;
}
toggle.addEventListener('click', function () { show(password.type === 'password'); });
toggle.hidden = false;
var submit = document.getElementById('submit');
password.form.addEventListener('submit', function () {
  // Password managers save what they see typed into a password field.
  show(false);
  submit.disabled = true;
});
// Back to this page from the browser's history: the button works again.
window.addEventListener('pageshow', function () { submit.disabled = false; });
})();`;
