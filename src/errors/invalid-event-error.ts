import { ForcePasswordResetError } from './force-password-reset-error.js';

/** The trigger's `event` lacks something the handler needs (for example `event.user.user_id`). */
export class InvalidEventError extends ForcePasswordResetError {
  override name = 'InvalidEventError' as const;
  /** The event field that is missing or malformed, e.g. `event.user.user_id`. */
  readonly field: string;

  constructor(caller: string, field: string, detail: string) {
    super('ERR_INVALID_EVENT', caller, detail);
    this.field = field;
  }
}
