/** The prefix of every message, matching the rest of the library so a log search finds them all. */
const MESSAGE_PREFIX = '[auth0-force-password-reset]';

/**
 * Builds an error about misuse of the testing toolkit (a wrong argument, an unknown user or
 * connection, a request a test api refused).
 *
 * These are programming errors in a test, not Management API failures: the local tenant's HTTP API
 * reports problems as Auth0-shaped responses instead.
 *
 * @param where - the API that was called, such as `localTenant.users.create`.
 * @param problem - what was wrong and, where useful, what to do instead.
 * @param options - `cause`, when the problem wraps another error.
 */
export function testingError(where: string, problem: string, options?: ErrorOptions): Error {
  return new Error(`${MESSAGE_PREFIX} ${where}: ${problem}`, options);
}

/** Like {@link testingError}, for a value of the wrong type or out of range, or a refused request. */
export function testingTypeError(where: string, problem: string, options?: ErrorOptions): TypeError {
  return new TypeError(`${MESSAGE_PREFIX} ${where}: ${problem}`, options);
}
