import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { TenantRequestHandler } from './request-handler.js';

/** A `node:http` server on `127.0.0.1` that serves a {@link TenantRequestHandler}. */
export interface HttpListener {
  /** `127.0.0.1:<port>`. */
  readonly domain: string;
  /** Stops listening and ends open connections, hanging ones included. */
  close(): Promise<void>;
}

/**
 * The Web `Request` for an incoming HTTP request; `signal` aborts when the client goes away. Its URL
 * is on the listener's `host:port`, or on the `Host` the client named when that is one of `names`
 * (a custom domain a browser reaches through a host-resolver rule).
 */
function toRequest(incoming: IncomingMessage, domain: string, names: readonly string[], signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headersDistinct)) {
    for (const item of value ?? []) headers.append(name, item);
  }
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const named = incoming.headers.host?.toLowerCase();
  const host = named !== undefined && names.includes(named) ? named : domain;
  return new Request(`http://${host}${incoming.url ?? '/'}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}

/**
 * Serves `handle` over HTTP on `127.0.0.1` and a random port (and under other host `names`, when a
 * client says it is calling one of them): the adapter for clients that need a real socket (`npm run demo`, an administrator rehearsing the CLI against a local tenant). A request the
 * handler rejects (a dropped connection, a hang the client gave up on) has its connection destroyed
 * without a response.
 */
export async function serveOverHttp(handle: TenantRequestHandler, names: readonly string[] = []): Promise<HttpListener> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const domain = `127.0.0.1:${port}`;

  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const gone = new AbortController();
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) gone.abort(new Error('the client closed the connection'));
    });
    handle(toRequest(incoming, domain, names, gone.signal))
      .then((response) => writeResponse(response, outgoing))
      .catch(() => incoming.socket.destroy());
  });

  let closed: Promise<void> | undefined;
  return {
    domain,
    close() {
      closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        // Hanging requests and keep-alive connections would otherwise hold close() open forever.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
