type Auth0Sdk = typeof import('auth0');

let sdk: Promise<Auth0Sdk> | undefined;

/**
 * Loads the `auth0` SDK on first use. It costs about half a second in a fresh process, which the
 * post-login gate must never pay: only code that talks to the Management API calls this.
 */
export function loadAuth0Sdk(): Promise<Auth0Sdk> {
  // A CommonJS Action (as Auth0 runs them) gets auth0's CommonJS build through require; the ESM
  // build of this package imports auth0's ESM build.
  const commonJsModule = typeof module === 'object' ? (module as { require?: (id: string) => unknown }) : undefined;
  sdk ??= (
    typeof commonJsModule?.require === 'function'
      ? Promise.resolve(commonJsModule.require('auth0') as Auth0Sdk)
      : import('auth0')
  ).catch((error: unknown) => {
    sdk = undefined;
    throw error;
  });
  return sdk;
}
