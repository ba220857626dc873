/**
 * How users of a connection authenticate, which decides the shape of their `user_id` and identities,
 * and whether they have an Auth0 password at all (only `database` users do):
 * - `database`: strategy `auth0`;
 * - `enterprise`: the enterprise strategies Auth0 offers (`samlp`, `waad`, `adfs`, `oidc`, `okta`, …);
 * - `passwordless`: `email` and `sms`;
 * - `social`: every other strategy. Auth0 keeps adding social providers (and custom `oauth2` ones),
 *   while its list of enterprise strategies is short and stable, so an unknown strategy is social.
 */
export type ConnectionKind = 'database' | 'social' | 'enterprise' | 'passwordless';

// Auth0's enterprise connection strategies (auth0.com/docs/authenticate/enterprise-connections).
const ENTERPRISE_STRATEGIES: ReadonlySet<string> = new Set([
  'ad', 'adfs', 'auth0-adldap', 'custom', 'google-apps', 'ip', 'office365', 'oidc', 'okta',
  'pingfederate', 'samlp', 'sharepoint', 'waad',
]);
const PASSWORDLESS_STRATEGIES: ReadonlySet<string> = new Set(['email', 'sms']);

/**
 * The {@link ConnectionKind} of a connection strategy: the one classification the event builders
 * and the local tenant share.
 */
export function connectionKindOf(strategy: string): ConnectionKind {
  if (strategy === 'auth0') return 'database';
  if (ENTERPRISE_STRATEGIES.has(strategy)) return 'enterprise';
  if (PASSWORDLESS_STRATEGIES.has(strategy)) return 'passwordless';
  return 'social';
}
