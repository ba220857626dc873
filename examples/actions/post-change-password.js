/**
 * Post-change-password Action: mark the obligation as met once the user has a new password.
 * Dependency: auth0-force-password-reset (pinned to an exact version).
 * Secrets: AUTH0_DOMAIN (the canonical tenant domain), AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET of an
 * M2M application granted read:users and update:users_app_metadata on the Management API.
 */
const { createPasswordResetClearer } = require('auth0-force-password-reset');

exports.onExecutePostChangePassword = createPasswordResetClearer({ flag: 'mustChangePassword' });
