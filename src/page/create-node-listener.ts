/**
 * The parts of `node:http`'s `IncomingMessage` the adapter reads — declared here, so that the
 * package's type declarations do not need `@types/node` in a project that uses another runtime.
 */
export interface NodeIncomingMessage extends AsyncIterable<Uint8Array> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The parts of `node:http`'s `ServerResponse` the adapter writes. */
export interface NodeServerResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
}

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Take the scheme from `X-Forwarded-Proto`, as behind a TLS-terminating proxy or load balancer.
   * Only when such a proxy sets it: otherwise a client could.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * The largest request body read, in bytes; a larger one is answered 413.
   * @default 65536
   */
  maxBodyBytes?: number;
}

/**
 * Adapts a Web-standard handler, `(request: Request) => Promise<Response>` — such as the one
 * `createChangePasswordPage` returns — to a `node:http` request listener. For Hono, Next.js route
 * handlers, Workers or Deno no adapter is needed: pass them the handler.
 *
 * @example
 * ```js
 * import { createServer } from 'node:http';
 * createServer(createNodeListener(page, { trustProxy: true })).listen(process.env.PORT ?? 8080);
 * ```
 */
export function createNodeListener(
  handler: (request: Request) => Promise<Response>,
  options: NodeListenerOptions = {},
): (request: NodeIncomingMessage, response: NodeServerResponse) => void {
  const { trustProxy = false, maxBodyBytes = 65_536 } = options;

  async function toRequest(incoming: NodeIncomingMessage): Promise<Request | undefined> {
    const forwarded = trustProxy ? String(incoming.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() : undefined;
    const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
    const url = new URL(incoming.url ?? '/', `${scheme}://${incoming.headers.host ?? 'localhost'}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers.set(name, typeof value === 'string' ? value : value.join(', '));
    }
    const method = incoming.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += chunk.length;
      if (size > maxBodyBytes) return undefined;
      chunks.push(chunk);
    }
    return new Request(url, { method, headers, body: Buffer.concat(chunks) });
  }

  return function nodeListener(incoming, outgoing) {
    (async () => {
      const request = await toRequest(incoming);
      if (request === undefined) {
        outgoing.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' });
        outgoing.end(new TextEncoder().encode('Payload Too Large'));
        return;
      }
      const response = await handler(request);
      const body = request.method === 'HEAD' ? undefined : new Uint8Array(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      outgoing.writeHead(response.status, headers);
      outgoing.end(body);
    })().catch(() => {
      // The handler answers its own errors; this is the adapter's (a client gone mid-request).
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      outgoing.end();
    });
  };
}
