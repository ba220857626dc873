/**
 * The errors `fetch` (undici) rejects with when the network fails, reproduced for the in-process
 * transport of a local tenant, so that code under test sees what it would see over a socket.
 */

/** `TypeError: fetch failed`, with what went wrong as its `cause`, as undici reports network failures. */
export function fetchFailed(cause: Error): TypeError {
  return new TypeError('fetch failed', { cause });
}

/** The cause undici gives when the server closed the connection without a response. */
export function socketClosed(): Error {
  return Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' });
}

/** The cause when nothing listens on the address any more (the tenant was closed). */
export function connectionRefused(domain: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${domain}`), { code: 'ECONNREFUSED', syscall: 'connect' });
}

/**
 * Settles as `promise` does, unless `signal` aborts first: then it rejects with the signal's reason,
 * as `fetch` does (a `TimeoutError` for `AbortSignal.timeout`, an `AbortError` otherwise).
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
