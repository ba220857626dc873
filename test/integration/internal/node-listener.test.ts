import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createNodeListener } from '../../../src/page/create-node-listener.js';
import { serveOverHttp } from '../../../src/testing/local-tenant/serve-over-http.js';

// The library's one node:http adapter (src/internal/node-listener.ts), through its two users: the page's
// public createNodeListener and the local tenant's serveOverHttp.

/** Serves `listener` on 127.0.0.1 for the length of `use`. */
async function listening<T>(listener: RequestListener, use: (origin: string) => Promise<T>): Promise<T> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A handler that answers what it was asked: the method, the URL, a header and the body. */
const echo = async (request: Request) =>
  Response.json(
    { method: request.method, url: request.url, header: request.headers.get('x-test'), body: await request.text() },
    { headers: { 'x-answered': 'yes' } },
  );

/** A POST whose body comes in chunks, without `Content-Length`: only counting what is read can limit it. */
function chunkedPost(origin: string, chunks: number, chunkBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${origin}/`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    for (let index = 0; index < chunks; index += 1) outgoing.write('x'.repeat(chunkBytes));
    outgoing.end();
  });
}

describe('createNodeListener (the page’s)', () => {
  it('hands the handler the request — method, URL on the Host it was sent to, headers, body — and writes its answer', async () => {
    const answer = await listening(createNodeListener(echo) as RequestListener, async (origin) => {
      const response = await fetch(`${origin}/change-password?state=s`, { method: 'POST', headers: { 'x-test': 'a' }, body: 'password=x' });
      return { status: response.status, answered: response.headers.get('x-answered'), body: await response.json() };
    });
    expect(answer.status).toBe(200);
    expect(answer.answered).toBe('yes');
    expect(answer.body).toMatchObject({ method: 'POST', header: 'a', body: 'password=x' });
    expect(answer.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/change-password\?state=s$/);
  });

  it('takes the scheme from X-Forwarded-Proto only with trustProxy', async () => {
    const schemeWith = (trustProxy: boolean) =>
      listening(createNodeListener(echo, { trustProxy }) as RequestListener, async (origin) => {
        const response = await fetch(origin, { headers: { 'x-forwarded-proto': 'https, http' } });
        return new URL(((await response.json()) as { url: string }).url).protocol;
      });
    expect(await schemeWith(true)).toBe('https:');
    expect(await schemeWith(false)).toBe('http:');
  });

  it('sends no body for HEAD', async () => {
    const length = await listening(createNodeListener(echo) as RequestListener, async (origin) => {
      const response = await fetch(origin, { method: 'HEAD' });
      return (await response.arrayBuffer()).byteLength;
    });
    expect(length).toBe(0);
  });

  it('answers 413 without calling the handler once a body passes maxBodyBytes, counted as it is read', async () => {
    let calls = 0;
    const listener = createNodeListener(
      async (request) => {
        calls += 1;
        return echo(request);
      },
      { maxBodyBytes: 1000 },
    ) as RequestListener;
    const [under, over] = await listening(listener, async (origin) => [await chunkedPost(origin, 10, 100), await chunkedPost(origin, 11, 100)]);
    expect([under, over]).toEqual([200, 413]);
    expect(calls).toBe(1);
  });

  it('answers 500 when the handler rejects', async () => {
    const status = await listening(
      createNodeListener(() => Promise.reject(new Error('boom'))) as RequestListener,
      async (origin) => (await fetch(origin)).status,
    );
    expect(status).toBe(500);
  });
});

describe('serveOverHttp (the local tenant’s)', () => {
  it('puts the request on its own host, or on one of its names when the client asks for it', async () => {
    const listener = await serveOverHttp(echo, ['login.example.test']);
    try {
      const urlFor = async (host: string) => {
        const status = await new Promise<string>((resolve, reject) => {
          const outgoing = httpRequest(`http://${listener.domain}/authorize?x=1`, { headers: { host } }, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            response.on('end', () => resolve(text));
          });
          outgoing.on('error', reject);
          outgoing.end();
        });
        return (JSON.parse(status) as { url: string }).url;
      };
      expect(await urlFor('login.example.test')).toBe('http://login.example.test/authorize?x=1');
      expect(await urlFor('elsewhere.example')).toBe(`http://${listener.domain}/authorize?x=1`);
    } finally {
      await listener.close();
    }
  });

  it('destroys the connection, with no answer, when the handler rejects', async () => {
    const listener = await serveOverHttp(() => Promise.reject(new TypeError('fetch failed')));
    try {
      await expect(fetch(`http://${listener.domain}/`)).rejects.toThrow(TypeError);
    } finally {
      await listener.close();
    }
  });

  it('aborts the request’s signal when the client goes away', async () => {
    let reached!: () => void;
    const handlerReached = new Promise<void>((resolve) => (reached = resolve));
    let aborted!: (reason: unknown) => void;
    const abortReason = new Promise((resolve) => (aborted = resolve));
    const listener = await serveOverHttp(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => {
            aborted(request.signal.reason);
            reject(request.signal.reason);
          });
          reached();
        }),
    );
    try {
      const client = new AbortController();
      const pending = fetch(`http://${listener.domain}/`, { signal: client.signal });
      await handlerReached;
      client.abort();
      await expect(pending).rejects.toThrow();
      expect(String(await abortReason)).toContain('the client closed the connection');
    } finally {
      await listener.close();
    }
  });
});
