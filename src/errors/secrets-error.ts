import { ForcePasswordResetError } from './force-password-reset-error.js';

/**
 * An Action lacks a secret it needs (the clearer's Management API credentials), or one holds
 * something unusable. The message names the entries — never a value.
 */
export class SecretsError extends ForcePasswordResetError {
  override name = 'SecretsError' as const;
  /** The names of the missing (or empty) `event.secrets` entries. */
  readonly missing: readonly string[];
  /** The names of entries present but unusable (e.g. a domain with a path). */
  readonly invalid: readonly string[];

  constructor(caller: string, detail: string, details: { missing: readonly string[]; invalid: readonly string[] }) {
    super('ERR_SECRETS', caller, detail);
    this.missing = details.missing;
    this.invalid = details.invalid;
  }
}
