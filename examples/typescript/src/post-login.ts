/**
 * Post-login Action, TypeScript variant. `npm run build` compiles it to dist/post-login.js
 * (CommonJS), the file you paste or deploy: Auth0's editor runs JavaScript only.
 */
import { createFirstLoginGate, type PostLoginHandler } from 'auth0-force-password-reset';

export const onExecutePostLogin: PostLoginHandler = createFirstLoginGate({
  flag: 'mustChangePassword',
  message: 'Please set a new password.',
});
