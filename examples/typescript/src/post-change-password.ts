/**
 * Post-change-password Action, TypeScript variant. Secrets: AUTH0_DOMAIN, AUTH0_CLIENT_ID,
 * AUTH0_CLIENT_SECRET of an M2M application granted read:users and update:users_app_metadata.
 */
import { createPasswordResetClearer, type PostChangePasswordHandler } from 'auth0-force-password-reset';

export const onExecutePostChangePassword: PostChangePasswordHandler = createPasswordResetClearer({
  flag: 'mustChangePassword',
});
