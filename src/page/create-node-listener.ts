import { toNodeListener, type NodeIncomingMessage, type NodeServerResponse } from '../internal/node-listener.js';

export type { NodeIncomingMessage, NodeServerResponse };

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
  return toNodeListener(handler, {
    urlOf(incoming) {
      const forwarded = trustProxy ? String(incoming.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() : undefined;
      const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
      return new URL(incoming.url ?? '/', `${scheme}://${incoming.headers.host ?? 'localhost'}`);
    },
    maxBodyBytes,
    onFailure(_incoming, outgoing) {
      // The handler answers its own errors; this is the adapter's (a client gone mid-request).
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      outgoing.end();
    },
  });
}
