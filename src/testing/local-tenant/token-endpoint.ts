import { createHash, timingSafeEqual } from 'node:crypto';
import { parseParameters, type TenantRequest, type TenantResponse } from './http-messages.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the token endpoint checks a client-credentials request against. */
export interface TokenEndpointSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The only audience the tenant serves: `https://<domain>/api/v2/`. */
  readonly audience: string;
  readonly tokens: TokenIssuer;
  /** The M2M clients added after the first one (`tenant.addClient`), with their secrets and scopes. */
  readonly otherClients?: () => readonly { readonly clientId: string; readonly clientSecret: string; readonly scopes: readonly string[] }[];
  /** The `authorization_code` grant of the login flow; without it, that grant is unsupported. */
  readonly redeemCode?: (parameters: ReadonlyMap<string, string>) => TenantResponse;
}

// Token responses must not be cached (RFC 6749 §5.1).
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

function oauthError(status: number, error: string, description: string): TenantResponse {
  return { status, headers: NO_STORE, body: { error, error_description: description } };
}

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `POST /oauth/token` for the client-credentials grant (and the login flow's authorization-code grant), with Auth0's error bodies: 401 for a wrong client
 * or secret, 403 for an audience other than the tenant's Management API.
 */
export function handleTokenRequest(request: TenantRequest, settings: TokenEndpointSettings): TenantResponse {
  const parameters = parseParameters(request);
  if (parameters === undefined) return oauthError(400, 'invalid_request', 'Invalid request body');

  const grantType = parameters.get('grant_type');
  if (grantType === undefined) {
    return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  }
  if (grantType === 'authorization_code' && settings.redeemCode !== undefined) return settings.redeemCode(parameters);
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }

  const clientId = parameters.get('client_id') ?? '';
  const clientSecret = parameters.get('client_secret') ?? '';
  const isFirstClient = clientId === settings.clientId && sameSecret(clientSecret, settings.clientSecret);
  const other = isFirstClient ? undefined : settings.otherClients?.().find((client) => client.clientId === clientId);
  if (!isFirstClient && (other === undefined || !sameSecret(clientSecret, other.clientSecret))) {
    return oauthError(401, 'access_denied', 'Unauthorized');
  }

  const audience = parameters.get('audience') ?? '';
  if (audience !== settings.audience) {
    return oauthError(403, 'access_denied', `Service not enabled within domain: ${audience}`);
  }

  return { status: 200, headers: NO_STORE, body: settings.tokens.issue(other) };
}
