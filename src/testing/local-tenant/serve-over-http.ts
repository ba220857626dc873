import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from '../../internal/node-listener.js';
import { MAX_BODY_BYTES } from './http-messages.js';
import type { TenantRequestHandler } from './request-handler.js';

/** A `node:http` server on `127.0.0.1` that serves a {@link TenantRequestHandler}. */
export interface HttpListener {
  /** `127.0.0.1:<port>`. */
  readonly domain: string;
  /** Stops listening and ends open connections, hanging ones included. */
  close(): Promise<void>;
}

/**
 * Serves `handle` over HTTP on `127.0.0.1` and a random port (and under other host `names`, when a
 * client says it is calling one of them), through the library's one `node:http` adapter
 * (`src/internal/node-listener.ts`, as the page's `createNodeListener`): for clients that need a real
 * socket (`npm run demo`, an administrator rehearsing the CLI against a local tenant). A request the
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

  const listener = toNodeListener<IncomingMessage, ServerResponse>(handle, {
    // The listener's own `host:port`, or the `Host` the client named when it is one of `names`.
    urlOf(incoming) {
      const named = incoming.headers.host?.toLowerCase();
      return new URL(`http://${named !== undefined && names.includes(named) ? named : domain}${incoming.url ?? '/'}`);
    },
    // As much as the tenant reads in process (a larger body is answered 413 there too).
    maxBodyBytes: MAX_BODY_BYTES,
    signalOf(_incoming, outgoing) {
      const gone = new AbortController();
      outgoing.once('close', () => {
        if (!outgoing.writableFinished) gone.abort(new Error('the client closed the connection'));
      });
      return gone.signal;
    },
    // A dropped connection or a hang the client gave up on: the connection ends without a response.
    onFailure: (incoming) => incoming.socket.destroy(),
  });
  server.on('request', listener);

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
