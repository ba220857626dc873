import { TRANSPORT_KEY } from '../internal/transport.js';

/**
 * Puts `transport` on `api` under the library's transport key, which the gate and the clearer use
 * when they have no `fetch` option of their own. Enumerable, so a test that copies the api with a
 * spread (`{ ...api, cache }`) keeps it — and keeps its refusal of the network.
 */
export function attachTransport<Api extends object>(api: Api, transport: typeof globalThis.fetch): Api {
  Object.defineProperty(api, TRANSPORT_KEY, { value: transport, enumerable: true });
  return api;
}
