/** Every `code` an error of this library can carry. */
export type ForcePasswordResetErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_SECRETS'
  | 'ERR_INVALID_EVENT'
  | 'ERR_MANAGEMENT_API';

/** The `name` of each error class of this library: a literal on each class, so that code can tell them apart by it. */
export type ForcePasswordResetErrorName =
  | 'ForcePasswordResetError'
  | 'OptionsError'
  | 'SecretsError'
  | 'InvalidEventError'
  | 'ManagementApiError';

/** The prefix of every message, so a tenant log search for it finds them all. */
export const MESSAGE_PREFIX = '[auth0-force-password-reset]';

/**
 * The base class of every error this library throws or rejects with.
 *
 * Each carries a machine-readable `code`, the public function it comes from (`caller`) and the
 * bare `detail`, so that log lines and the command-line tool render from fields rather than by
 * editing `message`; and, where another error led to it, that error as `cause`. The message is
 * `[auth0-force-password-reset] <caller>: <detail>`. Messages never contain a secret or a token.
 */
export class ForcePasswordResetError extends Error {
  // The union, not `string`: each subclass narrows it to its own literal (`override name = 'OptionsError' as const`).
  override name: ForcePasswordResetErrorName = 'ForcePasswordResetError';
  /** A stable, machine-readable code. */
  readonly code: ForcePasswordResetErrorCode;
  /** The public function the error comes from, such as `createPasswordResetClearer`. */
  readonly caller: string;
  /** What went wrong and what to do, without the prefix and the caller. */
  readonly detail: string;

  constructor(code: ForcePasswordResetErrorCode, caller: string, detail: string, options?: { cause?: unknown }) {
    super(`${MESSAGE_PREFIX} ${caller}: ${detail}`, options);
    this.code = code;
    this.caller = caller;
    this.detail = detail;
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
