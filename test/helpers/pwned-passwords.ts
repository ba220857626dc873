import { createHash, randomBytes } from 'node:crypto';

/** One request the stand-in received: all it could learn. */
export interface RangeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How the stand-in answers. */
export type RangeBehaviour = 'answer' | 'slow' | 'failing' | 'malformed';

/**
 * A stand-in for Have I Been Pwned's range API (`GET /range/{5 hex}`), in process: its `fetch` is a
 * `(request) => Response` handler, no socket. It answers `SUFFIX:COUNT` lines (CRLF, as the real one),
 * padded with entries of count 0 to `paddedTo` lines when asked with `Add-Padding: true`; `slow` never
 * answers (until the request is aborted), `failing` answers 503, `malformed` answers HTML.
 */
export interface PwnedPasswordsStandIn {
  /** The `fetch` to give the check. */
  readonly fetch: typeof globalThis.fetch;
  /** Every request, in order. */
  readonly requests: readonly RangeRequest[];
  behaviour: RangeBehaviour;
  /** `password` has been seen `count` times in breaches. */
  breach(password: string, count: number): void;
  /** `password`'s suffix appears in its range as padding (count 0): not a breach. */
  padWith(password: string): void;
}

export const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

export function createPwnedPasswordsStandIn({ paddedTo = 800 }: { paddedTo?: number } = {}): PwnedPasswordsStandIn {
  const counts = new Map<string, number>();
  const requests: RangeRequest[] = [];
  const standIn: PwnedPasswordsStandIn = {
    requests,
    behaviour: 'answer',
    breach: (password, count) => void counts.set(sha1(password), count),
    padWith: (password) => void counts.set(sha1(password), 0),
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => void (headers[name] = value));
      requests.push({ method: request.method, url: request.url, headers, body: await request.text() });
      const prefix = /\/range\/([0-9A-F]{5})$/.exec(new URL(request.url).pathname)?.[1];
      if (request.method !== 'GET' || prefix === undefined) return new Response('The hash prefix was not in a valid format', { status: 400 });
      switch (standIn.behaviour) {
        case 'slow':
          return new Promise<Response>((_, reject) => {
            if (request.signal.aborted) reject(request.signal.reason);
            request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
          });
        case 'failing':
          return new Response('Service Unavailable', { status: 503 });
        case 'malformed':
          return new Response('<html>Just a moment…</html>', { status: 200, headers: { 'content-type': 'text/html' } });
        case 'answer': {
          const lines = [...counts].filter(([hash]) => hash.startsWith(prefix)).map(([hash, count]) => `${hash.slice(5)}:${count}`);
          if (request.headers.get('add-padding') === 'true') {
            while (lines.length < paddedTo) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
          }
          return new Response(lines.join('\r\n'), { status: 200, headers: { 'content-type': 'text/plain' } });
        }
      }
    },
  };
  return standIn;
}
