/*
 * The library's one `node:http` adapter: a Web-standard handler, `(request: Request) => Promise<Response>`,
 * as a request listener. The page's public `createNodeListener` and the local tenant's `serveOverHttp`
 * are both this, each with its own rule for the request's URL and for a handler that fails.
 */

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

/** How one adapter builds the request and answers what the handler cannot. */
export interface NodeListenerSettings<Incoming extends NodeIncomingMessage, Outgoing extends NodeServerResponse> {
  /** The request's URL: its scheme and host are the adapter's to decide, its path and query the client's. */
  readonly urlOf: (incoming: Incoming) => URL;
  /** The largest request body read, in bytes; a larger one is answered 413 and the handler is not called. */
  readonly maxBodyBytes: number;
  /** The request's `signal`, when the handler should learn that the client went away. */
  readonly signalOf?: (incoming: Incoming, outgoing: Outgoing) => AbortSignal;
  /** What the client gets when the handler rejects, or its response cannot be written. */
  readonly onFailure: (incoming: Incoming, outgoing: Outgoing) => void;
}

/** `incoming` as a Web `Request` at `url`, its body read whole; `undefined` when the body is over `maxBodyBytes`. */
async function toRequest(incoming: NodeIncomingMessage, url: URL, maxBodyBytes: number, signal: AbortSignal | undefined): Promise<Request | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, typeof value === 'string' ? value : value.join(', '));
  }
  const method = incoming.method ?? 'GET';
  const init: RequestInit = signal === undefined ? { method, headers } : { method, headers, signal };
  if (method === 'GET' || method === 'HEAD') return new Request(url, init);
  // Counted as it is read: `Content-Length` is the client's word, and a chunked body has none.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += chunk.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk);
  }
  return new Request(url, { ...init, body: Buffer.concat(chunks) });
}

async function writeResponse(response: Response, outgoing: NodeServerResponse, withBody: boolean): Promise<void> {
  const body = withBody ? new Uint8Array(await response.arrayBuffer()) : undefined;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}

/** `handler` as a `node:http` request listener, by `settings`. */
export function toNodeListener<Incoming extends NodeIncomingMessage, Outgoing extends NodeServerResponse>(
  handler: (request: Request) => Promise<Response>,
  settings: NodeListenerSettings<Incoming, Outgoing>,
): (incoming: Incoming, outgoing: Outgoing) => void {
  const { urlOf, maxBodyBytes, signalOf, onFailure } = settings;
  return function nodeListener(incoming, outgoing) {
    (async () => {
      const request = await toRequest(incoming, urlOf(incoming), maxBodyBytes, signalOf?.(incoming, outgoing));
      if (request === undefined) {
        outgoing.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' });
        outgoing.end(new TextEncoder().encode('Payload Too Large'));
        return;
      }
      await writeResponse(await handler(request), outgoing, request.method !== 'HEAD');
    })().catch(() => onFailure(incoming, outgoing));
  };
}
