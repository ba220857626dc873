import { STATUS_CODES } from 'node:http';
import { isRecord } from '../../obligation/obligation.js';

/** A request, read in full, as the endpoint handlers see it. */
export interface TenantRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
}

/** What an endpoint handler answers: a body that is JSON unless it is a string (text) or bytes (a file). */
export interface TenantResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The request parameters, from a form-encoded or JSON body; `undefined` when the body is malformed. */
export function parseParameters(request: TenantRequest): Map<string, string> | undefined {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.includes('json')) return new Map(new URLSearchParams(request.body));
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (!isRecord(parsed)) return undefined;
    return new Map(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return undefined;
  }
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerTokenOf(authorization: string | null): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
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
export const MAX_BODY_BYTES: number = 1024 * 1024;

/** Reads the whole request body as UTF-8, refusing more than {@link MAX_BODY_BYTES}. */
export async function readBody(request: Request): Promise<string> {
  if (request.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Statuses whose responses carry no body, by the Fetch standard.
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** A {@link TenantResponse} as a Web `Response`, with the headers Auth0 sends. */
export function toResponse({ status, headers = {}, body }: TenantResponse): Response {
  if (body instanceof Uint8Array) {
    const bytes = new Uint8Array(body);
    return new Response(bytes, { status, headers: { 'content-length': String(bytes.byteLength), ...headers } });
  }
  const isText = typeof body === 'string';
  const payload = isText ? body : JSON.stringify(body);
  if (NULL_BODY_STATUSES.has(status)) return new Response(null, { status, headers });
  return new Response(payload, {
    status,
    headers: {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
      ...headers,
    },
  });
}
