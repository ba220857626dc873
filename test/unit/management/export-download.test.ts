import { setTimeout as wait } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openExportDownload, type ExportDownloadOptions } from '../../../src/management/export-download.js';
import { managementApiFailure } from '../../../src/management/management-api-failure.js';
import { rejectionOf } from '../../helpers/management-api-error.js';
import { networkFailure } from '../../helpers/network.js';

/** The download of a users export's file: what is sent, what is refused, and the timeout on each piece. */

const LOCATION = 'https://cdn.example/job_1/export.json.gz?Signature=s3cr3t';
const TIMEOUT_MS = 50;

/** The failure the client builds, from what the download reports. */
const fail: ExportDownloadOptions['fail'] = (record, host) =>
  managementApiFailure({ caller: 'test', step: 'download export', userId: undefined, record, error: undefined, secrets: [], hint: undefined, ...(host === undefined ? {} : { host }) });

interface Sent {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** Options whose transport records what it is asked and answers with `answer`. */
function downloadWith(answer: (init: RequestInit | undefined) => Promise<Response> | Response) {
  const sent: Sent[] = [];
  const options: ExportDownloadOptions = {
    transport: async (input, init) => {
      sent.push({ url: String(input), init });
      return answer(init);
    },
    requestTimeoutMs: TIMEOUT_MS,
    fail,
  };
  return { sent, options };
}

/**
 * A body of `chunks`, then, if `stall`, nothing more until the request's signal aborts — which
 * errors the body, as undici's does.
 */
function bodyOf(chunks: readonly string[], signal: AbortSignal | null | undefined, end: 'close' | 'stall' | 'break' = 'close') {
  const queue = chunks.map((chunk) => new TextEncoder().encode(chunk));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) controller.enqueue(next);
      else if (end === 'close') controller.close();
      else if (end === 'break') controller.error(new TypeError('terminated'));
      return undefined;
    },
  });
}

describe('openExportDownload', () => {
  it('sends a plain GET with no header at all (no token), refusing redirects, and hands over the body as sent', async () => {
    const { sent, options } = downloadWith((init) => new Response(bodyOf(['{"user_id":', '"auth0|1"}\n'], init?.signal)));
    const body = await openExportDownload(LOCATION, options);
    expect(await new Response(body).text()).toBe('{"user_id":"auth0|1"}\n');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(LOCATION);
    expect(sent[0]!.init).toEqual({ method: 'GET', redirect: 'error', signal: expect.any(AbortSignal) });
  });

  it.each([
    ['http on another host', 'http://cdn.example/job_1/export.json.gz?Signature=s3cr3t'],
    ['credentials in it', 'https://user:s3cr3t@cdn.example/x'],
    ['not a URL', 'not a url s3cr3t'],
    ['another scheme', 'ftp://cdn.example/x?Signature=s3cr3t'],
  ])('refuses a location with %s before sending anything, without quoting it', async (_name, location) => {
    const { sent, options } = downloadWith(() => new Response('{}'));
    const error = await rejectionOf(openExportDownload(location, options));
    expect(error).toMatchObject({ step: 'download export', reason: 'malformed answer: the location is not an https URL', status: undefined, attempts: 1 });
    expect(error.message).not.toContain('s3cr3t');
    expect(sent).toEqual([]);
  });

  it('takes http on a loopback host (a local tenant)', async () => {
    const { sent, options } = downloadWith((init) => new Response(bodyOf(['x'], init?.signal)));
    await openExportDownload('http://127.0.0.1:4000/exports/x.json.gz', options);
    expect(sent.map(({ url }) => url)).toEqual(['http://127.0.0.1:4000/exports/x.json.gz']);
  });

  it('reports a refused link by its status only (a CDN’s body may quote the link), and drops that body', async () => {
    let cancelled = false;
    const refusal = new ReadableStream({
      pull: (controller) => controller.enqueue(new TextEncoder().encode(`<Error>bad Signature=s3cr3t</Error>`)),
      cancel: () => void (cancelled = true),
    });
    const { options } = downloadWith(() => new Response(refusal, { status: 403 }));
    const error = await rejectionOf(openExportDownload(LOCATION, options));
    expect(error).toMatchObject({ reason: 'HTTP 403', status: 403, serverMessage: undefined });
    expect(error.message).toBe('[auth0-force-password-reset] test: downloading the users export failed: HTTP 403 after 1 attempt');
    expect(cancelled).toBe(true);
  });

  it('refuses a success without a body', async () => {
    const { options } = downloadWith(() => new Response(null, { status: 200 }));
    expect(await rejectionOf(openExportDownload(LOCATION, options))).toMatchObject({ reason: 'malformed answer: no body', status: 200 });
  });

  it('reports a redirect the transport refused as refused', async () => {
    const { options } = downloadWith(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('unexpected redirect') })));
    expect(await rejectionOf(openExportDownload(LOCATION, options))).toMatchObject({ reason: 'redirect refused', status: undefined, unreachable: undefined });
  });

  it('names the host it could not reach, and why', async () => {
    const { options } = downloadWith(() => Promise.reject(networkFailure('ENOTFOUND')));
    expect(await rejectionOf(openExportDownload(LOCATION, options))).toMatchObject({
      reason: 'connection failed (ENOTFOUND)',
      unreachable: { host: 'cdn.example', kind: 'dns', code: 'ENOTFOUND' },
    });
  });

  it('gives up when the headers do not arrive within the timeout, and calls that no unreachable host', async () => {
    const { options } = downloadWith(
      (init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true })),
    );
    expect(await rejectionOf(openExportDownload(LOCATION, options))).toMatchObject({ reason: `no response within ${TIMEOUT_MS} ms`, unreachable: undefined });
  });

  it('ends a body that stops arriving: each piece must come within the timeout', async () => {
    const { options } = downloadWith((init) => new Response(bodyOf(['first piece'], init?.signal, 'stall')));
    const reader = (await openExportDownload(LOCATION, options)).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first piece');
    const error = await reader.read().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ step: 'download export', reason: `the file stopped arriving for ${TIMEOUT_MS} ms (HTTP 200)`, status: 200 });
  });

  it('counts the timeout only while reading: a consumer slower than it still gets the whole file', async () => {
    const { options } = downloadWith((init) => new Response(bodyOf(['one', 'two'], init?.signal)));
    const reader = (await openExportDownload(LOCATION, options)).getReader();
    const pieces = [new TextDecoder().decode((await reader.read()).value)];
    await wait(TIMEOUT_MS * 3);
    pieces.push(new TextDecoder().decode((await reader.read()).value));
    expect(pieces).toEqual(['one', 'two']);
    expect((await reader.read()).done).toBe(true);
  });

  it('reports a body that breaks off', async () => {
    const { options } = downloadWith((init) => new Response(bodyOf(['first piece'], init?.signal, 'break')));
    const reader = (await openExportDownload(LOCATION, options)).getReader();
    await reader.read();
    expect(await reader.read().catch((caught: unknown) => caught)).toMatchObject({ reason: 'the file broke off (HTTP 200)' });
  });
});
