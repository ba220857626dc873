import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

/** A request, read in full, as the endpoint handlers see it. */
export interface TenantRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What an endpoint handler answers: a body that is JSON unless it is a string. */
export interface TenantResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The body Auth0 sends with an error status. */
export function auth0ErrorBody(
  status: number,
  message?: string,
  errorCode?: string,
): Record<string, unknown> {
  const error = STATUS_CODES[status] ?? 'Error';
  return {
    statusCode: status,
    error,
    message: message ?? error,
    ...(errorCode === undefined ? {} : { errorCode }),
  };
}

/** An Auth0-shaped Management API error response. */
export function errorResponse(status: number, message?: string, errorCode?: string): TenantResponse {
  return { status, body: auth0ErrorBody(status, message, errorCode) };
}

/** Thrown by {@link readBody} when a body is larger than the tenant accepts. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError' as const;
}

/** The largest request body the tenant reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as UTF-8. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a {@link TenantResponse}. */
export function writeResponse(
  response: ServerResponse,
  { status, headers = {}, body }: TenantResponse,
): void {
  const isText = typeof body === 'string';
  const payload = isText ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
}
