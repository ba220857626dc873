import { randomBytes } from 'node:crypto';
import { signHs256, verifyHs256Signature } from '../../internal/jwt.js';

/** The claims of an access token the local tenant issues, as in a real Management API token. */
export interface AccessTokenClaims {
  /** `https://<domain>/` */
  readonly iss: string;
  /** `<clientId>@clients` */
  readonly sub: string;
  /** `https://<domain>/api/v2/` */
  readonly aud: string;
  /** Issued at, in UNIX seconds. */
  readonly iat: number;
  /** Expires at, in UNIX seconds. */
  readonly exp: number;
  /** The granted scopes, separated by spaces. */
  readonly scope: string;
  readonly gty: 'client-credentials';
  /** The client the token was issued to. */
  readonly azp: string;
}

/** What the token endpoint returns on success (RFC 6749 §5.1). */
export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

/** The outcome of checking a bearer token. */
export type TokenVerdict =
  | { readonly valid: true; readonly scopes: ReadonlySet<string> }
  | { readonly valid: false; readonly reason: 'invalid' | 'expired' };

/** Issues and verifies the local tenant's access tokens. */
export interface TokenIssuer {
  /**
   * A new token, valid from the current tenant time, for the tenant's first M2M client or for `client`
   * (one added with `tenant.addClient`).
   */
  issue(client?: { readonly clientId: string; readonly scopes: readonly string[] }): IssuedToken;
  /** Checks the signature, issuer, audience and expiry (against the tenant clock) of a token. */
  verify(token: string): TokenVerdict;
  /** Invalidates every token issued so far, by replacing the signing key. */
  revokeAll(): void;
}

/** How long an access token lives: Auth0's default for the Management API. */
const TOKEN_LIFETIME_SECONDS = 86_400;

/** What {@link createTokenIssuer} needs to know about the tenant. */
export interface TokenIssuerSettings {
  readonly domain: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The tenant clock, in milliseconds. */
  readonly now: () => number;
}

/**
 * Creates the token issuer of a local tenant. Tokens are JWT-shaped and HMAC-SHA256-signed with a random
 * per-tenant key, so tests can decode them but only the tenant can mint them.
 */
export function createTokenIssuer(settings: TokenIssuerSettings): TokenIssuer {
  const issuer = `https://${settings.domain}/`;
  const audience = `https://${settings.domain}/api/v2/`;
  let signingKey = randomBytes(32);

  return {
    issue(client = { clientId: settings.clientId, scopes: settings.scopes }) {
      const issuedAt = Math.floor(settings.now() / 1000);
      const scope = client.scopes.join(' ');
      const claims: AccessTokenClaims = {
        iss: issuer,
        sub: `${client.clientId}@clients`,
        aud: audience,
        iat: issuedAt,
        exp: issuedAt + TOKEN_LIFETIME_SECONDS,
        scope,
        gty: 'client-credentials',
        azp: client.clientId,
      };
      return {
        access_token: signHs256({ ...claims }, signingKey),
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        scope,
      };
    },

    verify(token) {
      const verified = verifyHs256Signature(token, signingKey);
      if ('refused' in verified) return { valid: false, reason: 'invalid' };
      const { iss, aud, exp, scope: granted } = verified.claims;
      if (iss !== issuer || aud !== audience || typeof exp !== 'number' || typeof granted !== 'string') {
        return { valid: false, reason: 'invalid' };
      }
      if (exp * 1000 <= settings.now()) return { valid: false, reason: 'expired' };
      return { valid: true, scopes: new Set(granted.split(' ').filter(Boolean)) };
    },

    revokeAll() {
      signingKey = randomBytes(32);
    },
  };
}
