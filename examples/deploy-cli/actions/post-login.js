/**
 * Post-login Action: force database users to replace their initial password at first sign-in.
 * Dependency: auth0-force-password-reset (pinned to an exact version).
 * Secret: CHANGE_PASSWORD_PAGE_SECRET, the key shared with the change-password page (32 bytes or more).
 */
const { createFirstLoginGate } = require('auth0-force-password-reset');

const gate = createFirstLoginGate({
  flag: '@@PASSWORD_RESET_FLAG@@',
  message: '@@PASSWORD_RESET_MESSAGE@@',
  changePasswordPage: { url: '@@CHANGE_PASSWORD_PAGE_URL@@' },
});

exports.onExecutePostLogin = gate;
// The page sends the user back to /continue: the gate checks its token and lets the login go on.
exports.onContinuePostLogin = gate.onContinuePostLogin;
