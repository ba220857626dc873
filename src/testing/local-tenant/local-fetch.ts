import { localTenantTypeError } from './local-tenant-error.js';

/**
 * Creates the `fetch` of a local tenant: it sends requests for `https://<domain>/…` (or `http://`) to the
 * tenant over plain HTTP and refuses every other URL with a `TypeError`, the way `fetch` reports network
 * errors, so nothing a test runs can reach a real tenant or the internet.
 *
 * Everything but the scheme passes through unchanged: method, headers, body, signal. It may be
 * installed as `globalThis.fetch` for code that uses the global fetch (as the clearer does by default).
 *
 * @param domain - the tenant's `host:port`.
 */
export function createLocalFetch(domain: string): typeof globalThis.fetch {
  // Captured now, so a test may install this fetch as `globalThis.fetch` (as code under test that
  // uses the global fetch needs) without it calling itself.
  const networkFetch = globalThis.fetch;
  return async function localTenantFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const target = new URL(input instanceof Request ? input.url : input);
    if ((target.protocol !== 'https:' && target.protocol !== 'http:') || target.host !== domain) {
      // Only the origin is quoted: a query string could hold something secret.
      const refused = `${target.protocol}//${target.host}`;
      const problem = `refusing to send a request to ${refused}; a local tenant only reaches https://${domain}/`;
      throw localTenantTypeError('localTenant.fetch', problem);
    }
    target.protocol = 'http:';
    if (input instanceof Request) return networkFetch(new Request(target, input), init);
    return networkFetch(target.href, init);
  };
}
