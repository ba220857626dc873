/**
 * `https://acme.auth0.com/` → `acme.auth0.com`; `undefined` when it is not a host with an optional
 * port. The Management API's audience and URLs are built from it.
 */
export function normalizeDomain(value: string): string | undefined {
  const domain = value.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '');
  return /^[a-z0-9.-]+(:\d{1,5})?$/i.test(domain) ? domain : undefined;
}
