/** Every `code` an error of this library can carry. */
export type ForcePasswordResetErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_SECRETS'
  | 'ERR_INVALID_EVENT'
  | 'ERR_MANAGEMENT_API';

/** The prefix of every message, so a tenant log search for it finds them all. */
export const MESSAGE_PREFIX = '[auth0-force-password-reset]';

/**
 * The base class of every error this library throws or rejects with.
 *
 * Each carries a machine-readable `code` and, where another error led to it, that error as `cause`.
 * Messages never contain a secret or a token.
 */
export class ForcePasswordResetError extends Error {
  override name: string = 'ForcePasswordResetError';
  /** A stable, machine-readable code. */
  readonly code: ForcePasswordResetErrorCode;

  constructor(code: ForcePasswordResetErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${MESSAGE_PREFIX} ${message}`, options);
    this.code = code;
  }
}

const CODES: ReadonlySet<string> = new Set<ForcePasswordResetErrorCode>([
  'ERR_INVALID_OPTIONS',
  'ERR_SECRETS',
  'ERR_INVALID_EVENT',
  'ERR_MANAGEMENT_API',
]);

/**
 * Whether `error` is an error of this library. Compares `code` and the message prefix rather than
 * using `instanceof`, so it holds when two copies of the library are loaded (CJS and ESM).
 */
export function isForcePasswordResetError(error: unknown): error is ForcePasswordResetError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code) && error.message.startsWith(MESSAGE_PREFIX);
}
