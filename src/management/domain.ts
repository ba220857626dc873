import { isLoopbackHost } from '../internal/loopback.js';

/**
 * A tenant domain, checked: the host (and port) the Management API audience and URLs are built
 * from, and the origin requests go to.
 */
export interface TenantDomain {
  /** `acme.eu.auth0.com`, or `127.0.0.1:4000`: what `https://{host}/api/v2/` is built from. */
  readonly host: string;
  /** `https://acme.eu.auth0.com`; `http://127.0.0.1:4000` only for a loopback host. */
  readonly origin: string;
}

/** Why a value is not a tenant domain; never quotes the value (it may be a secret pasted by mistake). */
export type DomainProblem =
  | 'is empty'
  | 'is too long to be a domain'
  | 'has a path, a query or a fragment'
  | 'has a scheme other than https://'
  | 'uses http://, which only a loopback host (a local tenant) may'
  | 'has credentials in it'
  | 'has a port outside 1–65535'
  | 'is not a host name';

/** What tools say a tenant domain should be, after the problem. */
export const DOMAIN_EXPECTED =
  "the tenant's canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; https:// may be given, http:// only for a loopback host such as 127.0.0.1)";

const MAX_DOMAIN_LENGTH = 300;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;


function isHostName(hostname: string): boolean {
  if (hostname === '[::1]') return true;
  if (IPV4.test(hostname)) return true;
  if (hostname.length > 253) return false;
  const labels = hostname.split('.');
  // A name of digits only that is not an IPv4 address (`1.2.3`) is no host.
  if (labels.every((label) => /^\d+$/.test(label))) return false;
  return labels.every((label) => LABEL.test(label));
}

/**
 * Checks a tenant domain as a person would type it — `acme.eu.auth0.com`, `https://acme.eu.auth0.com/`
 * — in time linear in its length. `http://` (or no scheme) is plain HTTP for a loopback host only,
 * so that a local tenant can stand in for Auth0 in a rehearsal; any other host is always HTTPS.
 */
export function parseTenantDomain(value: string): TenantDomain | { readonly problem: DomainProblem } {
  let text = value.trim();
  if (text.length === 0) return { problem: 'is empty' };
  if (text.length > MAX_DOMAIN_LENGTH) return { problem: 'is too long to be a domain' };
  let scheme: 'https' | 'http' | undefined;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (schemeMatch !== null) {
    const name = (schemeMatch[1] as string).toLowerCase();
    if (name !== 'https' && name !== 'http') return { problem: 'has a scheme other than https://' };
    scheme = name;
    text = text.slice(schemeMatch[0].length);
  }
  // Trailing slashes are tolerated: `https://acme.auth0.com/`. A loop, not a regex: linear time.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 47 /* / */) end -= 1;
  text = text.slice(0, end);
  if (/[/?#\\]/.test(text)) return { problem: 'has a path, a query or a fragment' };
  if (text.includes('@')) return { problem: 'has credentials in it' };
  const portMatch = /:(\d*)$/.exec(text);
  const hostname = (portMatch === null ? text : text.slice(0, portMatch.index)).toLowerCase();
  if (portMatch !== null) {
    const port = Number(portMatch[1]);
    if (portMatch[1] === '' || (portMatch[1] as string).length > 5 || !Number.isInteger(port) || port < 1 || port > 65_535) {
      return { problem: 'has a port outside 1–65535' };
    }
  }
  if (!isHostName(hostname)) return { problem: 'is not a host name' };
  const host = portMatch === null ? hostname : `${hostname}:${Number(portMatch[1])}`;
  const loopback = isLoopbackHost(hostname);
  if (scheme === 'http' && !loopback) return { problem: 'uses http://, which only a loopback host (a local tenant) may' };
  // A loopback host is a local stand-in; no real tenant serves TLS there.
  return { host, origin: `${loopback && scheme !== 'https' ? 'http' : 'https'}://${host}` };
}

/**
 * A `fetch` that sends requests built as `https://{host}/…` to the tenant's origin: the same
 * `transport` for a real tenant; for a loopback one (a local stand-in), its `http://` origin.
 */
export function towardsOrigin(domain: TenantDomain, transport: typeof globalThis.fetch): typeof globalThis.fetch {
  const secureOrigin = `https://${domain.host}`;
  if (domain.origin === secureOrigin) return transport;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(`${secureOrigin}/`)) return transport(input, init);
    const target = `${domain.origin}${url.slice(secureOrigin.length)}`;
    return transport(input instanceof Request ? new Request(target, input) : target, init);
  };
}
