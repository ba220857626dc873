import { testingTypeError } from '../testing-error.js';
import { connectionRefused, fetchFailed, unlessAborted } from './network-errors.js';
import type { TenantRequestHandler } from './request-handler.js';

/** What {@link createLocalFetch} needs. */
export interface LocalFetchSettings {
  /** The tenant's `host:port`. */
  readonly domain: string;
  /** The host its export files are served from: another host this fetch reaches. */
  readonly downloadHost: string;
  /** The tenant's custom domain, if any: sign-ins there reach the tenant too. */
  readonly customDomain?: string | undefined;
  /** The tenant's application. */
  readonly handle: TenantRequestHandler;
  /** Aborts when the tenant closes: from then on every request fails as a refused connection. */
  readonly closing: AbortSignal;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// The Fetch standard's limit.
const MAX_REDIRECTS = 20;

function refuseHost(domain: string, target: URL, what: string): TypeError {
  // Only the origin is quoted: a query string could hold something secret.
  const refused = `${target.protocol}//${target.host}`;
  return testingTypeError('localTenant.fetch', `refusing ${what} ${refused}; a local tenant only reaches https://${domain}/`);
}

const isTenantUrl = (target: URL, ...hosts: readonly string[]) =>
  (target.protocol === 'https:' || target.protocol === 'http:') && hosts.includes(target.host);

/** Sets the `url` and `redirected` a network response would have. */
function asFetched(response: Response, url: string, redirected: boolean): Response {
  // Configurable, as a test may wrap this fetch and redefine them in turn.
  Object.defineProperty(response, 'url', { value: url, configurable: true });
  Object.defineProperty(response, 'redirected', { value: redirected, configurable: true });
  return response;
}

/**
 * Creates the `fetch` of a local tenant: it hands requests for `https://<domain>/…` (or `http://`) to the
 * tenant's application in the same process — no socket — and refuses every other URL with a `TypeError`,
 * the way `fetch` reports network errors, so nothing a test runs can reach a real tenant or the internet.
 *
 * It behaves as `fetch` does: the caller's `signal` aborts a request at any time (a hanging one
 * included) with the signal's reason; redirects are followed (`redirect: 'follow'`), returned
 * (`'manual'`) or refused (`'error'`), but a redirect to another host is always refused, so a request,
 * its body and its credentials never leave the tenant. It may be installed as `globalThis.fetch`.
 */
export function createLocalFetch({ domain, downloadHost, customDomain, handle, closing }: LocalFetchSettings): typeof globalThis.fetch {
  const hosts = [domain, downloadHost, ...(customDomain === undefined ? [] : [customDomain])];
  return async function localTenantFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const first = new URL(input instanceof Request ? input.url : String(input));
    if (!isTenantUrl(first, ...hosts)) throw refuseHost(domain, first, 'to send a request to');

    const original = new Request(input, init);
    const { signal } = original;
    if (signal.aborted) throw signal.reason;
    // Read once, so that a 307/308 can send it again (to the tenant only).
    let body: ArrayBuffer | null = original.body === null ? null : await unlessAborted(original.arrayBuffer(), signal);
    let method = original.method;
    const headers = new Headers(original.headers);
    let url = first;

    for (let redirects = 0; ; redirects += 1) {
      if (closing.aborted) throw fetchFailed(connectionRefused(domain));
      const request = new Request(url, { method, headers, body, signal, redirect: 'manual' });
      const response = await unlessAborted(handle(request), signal);
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null || original.redirect === 'manual') {
        return asFetched(response, url.href, redirects > 0);
      }
      await response.body?.cancel();
      if (original.redirect === 'error') throw fetchFailed(new Error('unexpected redirect'));
      if (redirects >= MAX_REDIRECTS) throw fetchFailed(new Error('redirect count exceeded'));
      const next = new URL(location, url);
      if (!isTenantUrl(next, url.host)) throw refuseHost(domain, next, `to follow a redirect from ${url.origin} to`);
      // As the Fetch standard: a 303, or a 301/302 after a POST, becomes a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = null;
        for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
      }
      url = next;
    }
  };
}
