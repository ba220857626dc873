/**
 * Post-login Action: force database users to replace their initial password at first sign-in.
 * Dependency: auth0-force-password-reset (pinned to an exact version).
 * Secret: CHANGE_PASSWORD_PAGE_SECRET, the key shared with the change-password page (32 bytes or more).
 */
const { createFirstLoginGate } = require('auth0-force-password-reset');

const gate = createFirstLoginGate({
  flag: 'mustChangePassword',
  message: 'Please set a new password.',
  changePasswordPage: { url: 'https://account.acme-dev.example.com/change-password' },
});

exports.onExecutePostLogin = gate;
// The page sends the user back to /continue: the gate checks its token and lets the login go on.
exports.onContinuePostLogin = gate.onContinuePostLogin;
