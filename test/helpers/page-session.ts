import { signHs256 } from '../../src/internal/jwt.js';

/** Where a page session is for: the tenant's domain (Auth0's `iss`, and the login's host) and the user. */
export interface PageSessionFor {
  readonly domain: string;
  readonly userId: string;
}

/**
 * A session token as the gate's `api.redirect.encodeToken` makes it for the change-password page: Auth0's
 * claims (`iat`, `iss`, `sub`, `exp` in 10 minutes, `ip`) and the gate's (a first login on the default
 * database connection, begun a minute ago), `claims` over them (`undefined` removes one).
 */
export function signPageSession(key: string, { domain, userId }: PageSessionFor, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  return signHs256(
    {
      iat,
      iss: domain,
      sub: userId,
      exp: iat + 600,
      ip: '127.0.0.1',
      purpose: 'afpr:change-password',
      connection: 'Username-Password-Authentication',
      host: domain,
      flag: 'needsPasswordReset',
      since: new Date(Date.now() - 60_000).toISOString(),
      reason: 'first-login',
      ...claims,
    },
    key,
  );
}
