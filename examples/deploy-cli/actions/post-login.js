/**
 * Post-login Action: force database users to replace their initial password at first sign-in.
 * Dependency: auth0-force-password-reset (pinned to an exact version).
 */
const { createFirstLoginGate } = require('auth0-force-password-reset');

exports.onExecutePostLogin = createFirstLoginGate({
  flag: '@@PASSWORD_RESET_FLAG@@',
  message: '@@PASSWORD_RESET_MESSAGE@@',
});
