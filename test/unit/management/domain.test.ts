import { describe, expect, it } from 'vitest';
import { parseTenantDomain, towardsOrigin, type TenantDomain } from '../../../src/management/domain.js';

/** Where requests built as `https://{host}/…` go. */

const domainOf = (text: string) => parseTenantDomain(text) as TenantDomain;

function recording() {
  const sent: { url: string; method: string | undefined }[] = [];
  const transport: typeof globalThis.fetch = async (input, init) => {
    sent.push(input instanceof Request ? { url: input.url, method: input.method } : { url: String(input), method: init?.method });
    return new Response(null, { status: 204 });
  };
  return { sent, transport };
}

describe('towardsOrigin', () => {
  it('leaves the transport of a real tenant as it is', () => {
    const { transport } = recording();
    expect(towardsOrigin(domainOf('acme.eu.auth0.com'), transport)).toBe(transport);
  });

  it('sends a loopback tenant’s https URLs, as text or as a Request, to its http origin', async () => {
    const { sent, transport } = recording();
    const local = towardsOrigin(domainOf('127.0.0.1:4000'), transport);
    await local('https://127.0.0.1:4000/api/v2/users/x?fields=email', { method: 'GET' });
    await local(new Request('https://127.0.0.1:4000/oauth/token', { method: 'POST', body: 'a=b' }));
    expect(sent).toEqual([
      { url: 'http://127.0.0.1:4000/api/v2/users/x?fields=email', method: 'GET' },
      { url: 'http://127.0.0.1:4000/oauth/token', method: 'POST' },
    ]);
  });

  it('leaves every other URL alone: another host, another port, the bare origin without a path', async () => {
    const { sent, transport } = recording();
    const local = towardsOrigin(domainOf('127.0.0.1:4000'), transport);
    for (const url of ['https://cdn.example/x', 'https://127.0.0.1:40000/api/v2/users', 'https://127.0.0.1:4000']) await local(url);
    expect(sent.map(({ url }) => url)).toEqual(['https://cdn.example/x', 'https://127.0.0.1:40000/api/v2/users', 'https://127.0.0.1:4000']);
  });
});
