import { ForcePasswordResetError } from './force-password-reset-error.js';

/** The trigger's `event` lacks something the handler needs (for example `event.user.user_id`). */
export class InvalidEventError extends ForcePasswordResetError {
  override name = 'InvalidEventError' as const;

  constructor(message: string) {
    super('ERR_INVALID_EVENT', message);
  }
}
