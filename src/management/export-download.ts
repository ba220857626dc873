import type { ManagementApiError } from '../errors/management-api-error.js';
import { isLoopbackHost } from '../internal/loopback.js';
import { describeNetworkFailure, unreachableCause, type AttemptRecord } from './resilient-fetch.js';

/**
 * The file of a completed users export, opened at its pre-signed `location`. Not a Management API
 * request: the link may point to another host (a CDN) and carries its own signature, so it is a
 * plain `GET` WITHOUT the token, refusing redirects, so that no credential ever leaves for
 * wherever a `Location` header points.
 */

export interface ExportDownloadOptions {
  /** The `fetch` the download goes through: the caller's, not the one that adds the tenant's origin. */
  readonly transport: typeof globalThis.fetch;
  /** How long the headers may take to arrive, and then each piece of the body. */
  readonly requestTimeoutMs: number;
  /**
   * The error for a download that failed, from its record (`failure` says why); `host` is given
   * when the host could not be reached at all.
   */
  readonly fail: (record: AttemptRecord, host: string | undefined) => ManagementApiError;
}

/** The export's location as a URL: `https:`, or `http:` for a loopback host only (a local tenant). */
function downloadUrl(location: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname) ? url : undefined;
}

/**
 * Opens the file at `location`: one attempt (the caller retries, with a fresh link once this one may
 * have expired). The headers must arrive within `requestTimeoutMs`, and so must each piece of the
 * body. The body is the file as sent (gzip for Auth0).
 *
 * @throws ManagementApiError (through `fail`) with the status of a refused answer, or the network
 *   failure (`unreachable` for a DNS or TLS failure); the stream errors with one when the file
 *   stops arriving or breaks off.
 */
export async function openExportDownload(location: string, options: ExportDownloadOptions): Promise<ReadableStream<Uint8Array>> {
  const { transport, requestTimeoutMs: timeoutMs, fail } = options;
  const url = downloadUrl(location);
  const record: AttemptRecord = { attempts: 1, status: undefined, failure: undefined, gaveUp: undefined, body: undefined, unreachable: undefined };
  const refuse = (reason: string, host?: string) => fail({ ...record, failure: reason }, host);
  if (url === undefined) throw refuse('malformed answer: the location is not an https URL');
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
  let response: Response;
  try {
    // No headers at all: the link carries its own signature, and the token must not go with it.
    response = await transport(url, { method: 'GET', redirect: 'error', signal: abort.signal });
  } catch (error) {
    record.unreachable = abort.signal.aborted ? undefined : unreachableCause(error);
    const redirected = /redirect/i.test(String((error as { cause?: { message?: unknown } }).cause?.message ?? ''));
    throw refuse(redirected ? 'redirect refused' : describeNetworkFailure(error, abort.signal.aborted, timeoutMs), url.host);
  } finally {
    clearTimeout(timer);
  }
  record.status = response.status;
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => {});
    // The body of a CDN's refusal is not Auth0's and may quote the signed link: never shown.
    throw refuse(response.ok ? 'malformed answer: no body' : `HTTP ${response.status}`);
  }
  const reader = response.body.getReader();
  const { status } = response;
  // Each piece of the body must arrive within the timeout (counted while reading, not while the
  // reader's consumer works): a stalled download ends, and the caller tries again.
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      timer = setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.error(refuse(abort.signal.aborted ? `the file stopped arriving for ${timeoutMs} ms (HTTP ${status})` : `the file broke off (HTTP ${status})`));
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
