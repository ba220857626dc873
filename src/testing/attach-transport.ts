/**
 * The library's transport key (`TRANSPORT_KEY` in src/internal/transport.ts), from the global symbol
 * registry. Read here rather than imported: an import would make the toolkit one more entry that
 * reaches that module, and the bundler would split it into a chunk of its own on the gate's load
 * path. `Symbol.for` gives the same symbol either way (the toolkit's tests check that they agree).
 */
const TRANSPORT_KEY: symbol = Symbol.for('auth0-force-password-reset.transport');

/**
 * Puts `transport` on `api` under the library's transport key, which the gate and the clearer use
 * when they have no `fetch` option of their own. Enumerable, so a test that copies the api with a
 * spread (`{ ...api, cache }`) keeps it — and keeps its refusal of the network.
 */
export function attachTransport<Api extends object>(api: Api, transport: typeof globalThis.fetch): Api {
  Object.defineProperty(api, TRANSPORT_KEY, { value: transport, enumerable: true });
  return api;
}
