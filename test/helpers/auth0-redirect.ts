import { signHs256, verifyHs256 } from '../../src/internal/hs256-jwt.js';

/**
 * Auth0's `api.redirect`, as its own test harness implements it (auth0/auth0-actions,
 * src/post-login/v3/test/index.js) and its docs describe the runtime's checks: `encodeToken` signs
 * `{ iat, iss: event.request.hostname, sub: event.user.user_id, exp, ip, ...payload }` with HS256;
 * `validateToken` reads the token from the query and the body (the body wins), and checks the
 * signature, `exp`, `iss`, `sub` and that the token's `state` claim equals the `state` parameter.
 */
const NO_REDIRECT_PROTOCOLS = new Set(['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'oauth2-webauthn']);

interface RedirectEvent {
  user: { user_id: string };
  request: { hostname?: string; ip: string; query?: Record<string, unknown>; body?: Record<string, unknown> };
  transaction?: { protocol?: string };
}

export function auth0Redirect(event: RedirectEvent) {
  const sent: Array<{ url: string; query: Record<string, string> }> = [];
  return {
    sent,
    encodeToken({ secret, payload, expiresInSeconds = 900 }: { secret: string; payload: Record<string, unknown>; expiresInSeconds?: number }) {
      const iat = Math.floor(Date.now() / 1000);
      return signHs256({ iat, iss: event.request.hostname, sub: event.user.user_id, exp: iat + expiresInSeconds, ip: event.request.ip, ...payload }, secret);
    },
    sendUserTo(url: string, options: { query?: Record<string, string> } = {}) {
      sent.push({ url, query: { ...options.query } });
    },
    canRedirect() {
      return event.request.query?.['prompt'] !== 'none' && !NO_REDIRECT_PROTOCOLS.has(event.transaction?.protocol ?? '');
    },
    validateToken({ secret, tokenParameterName = 'session_token' }: { secret: string; tokenParameterName?: string }) {
      const params = { ...event.request.query, ...event.request.body };
      const token = params[tokenParameterName];
      if (token === undefined) {
        throw new Error(`There is no parameter called '${tokenParameterName}' available in either the POST body or query string.`);
      }
      const verified = verifyHs256(token, secret, Math.floor(Date.now() / 1000));
      if ('refused' in verified) throw new Error(`The session token is invalid: ${verified.refused}`);
      const { claims } = verified;
      if (claims['iss'] !== event.request.hostname) throw new Error('The session token is invalid: Invalid issuer.');
      if (claims['sub'] !== event.user.user_id) throw new Error('The session token is invalid: The sub claim does not match the user_id.');
      if (claims['state'] !== params['state']) throw new Error('The session token is invalid: State in the token does not match the /continue state.');
      return claims;
    },
  };
}
