/**
 * The key under which an `api` object made by `auth0-force-password-reset/testing` (the recording
 * apis, the local tenant's runners) carries the transport that the library's handlers use when
 * their own `fetch` option is not set. Auth0's real `api` never has it, so in production the
 * handlers use `globalThis.fetch`; in a test, the recording api's transport refuses the network
 * unless the test opts in, so a unit test can never reach a real tenant by accident.
 *
 * `Symbol.for`, so that the CommonJS and ESM copies of the library agree on it.
 */
export const TRANSPORT_KEY: unique symbol = Symbol.for('auth0-force-password-reset.transport');

/** The transport an `api` object carries under {@link TRANSPORT_KEY}, if any. Never throws. */
export function transportOf(api: unknown): typeof globalThis.fetch | undefined {
  try {
    const transport = (api as Record<PropertyKey, unknown> | null | undefined)?.[TRANSPORT_KEY];
    return typeof transport === 'function' ? (transport as typeof globalThis.fetch) : undefined;
  } catch {
    return undefined;
  }
}
