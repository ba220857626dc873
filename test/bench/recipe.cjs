// The original recipe's two Actions, as published but with the signature errors fixed
// (setAppMetadata takes key and value; the v7 SDK's users.update takes an id and a body).
// Used only as the benchmark's baseline.

exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count === 1) api.user.setAppMetadata('needsPasswordReset', true);
  if (event.stats.logins_count === 1 || event.user.app_metadata.needsPasswordReset) {
    return api.access.deny('Please reset your password!');
  }
};

/** A new management client on every execution, as the recipe does; `fetch` reaches the local tenant. */
exports.createRecipeClearer = (fetch) =>
  async function onExecutePostChangePassword(event) {
    const { ManagementClient } = require('auth0');
    const management = new ManagementClient({
      domain: event.secrets.AUTH0_DOMAIN,
      clientId: event.secrets.AUTH0_CLIENT_ID,
      clientSecret: event.secrets.AUTH0_CLIENT_SECRET,
      fetch,
    });
    await management.users.update(event.user.user_id, { app_metadata: { needsPasswordReset: false } });
  };
