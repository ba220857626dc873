declare const __PACKAGE_VERSION__: string | undefined;

/**
 * The version of `auth0-force-password-reset` that is running. Every decision log line carries it,
 * so a tenant's logs tell which pinned version made a decision.
 */
export const VERSION: string =
  typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';
