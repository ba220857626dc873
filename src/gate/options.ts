import * as z from 'zod/mini';
import type { LogOption } from '../internal/log.js';
import { logOptionSchema, metadataKeySchema } from '../internal/schemas.js';

/**
 * The deny reason shown to the user: one string, or one per locale with a required `default`.
 * The locale is `event.transaction.locale`: an exact match wins, then its language part
 * (`fr-CA` → `fr`), then `default`.
 */
export type LocalizedMessage = string | { default: string; [locale: string]: string };

/** Options of {@link createFirstLoginGate}. Every option is optional; unknown keys are rejected. */
export interface FirstLoginGateOptions {
  /**
   * The `app_metadata` key holding the obligation. Next to it the library keeps `<flag>At`
   * (e.g. `needsPasswordResetAt`), the ISO-8601 time the obligation was set.
   * A non-empty key without `.` or `$`.
   * @default 'needsPasswordReset'
   */
  flag?: string;
  /**
   * The deny reason the user's application receives as `error_description`.
   * @default 'Please reset your password!'
   */
  message?: LocalizedMessage;
  /**
   * Flag every database user at the first login (`logins_count === 1`) who has not yet chosen a
   * password. With `false` the gate only enforces flags an administrator set — for tenants with
   * self-service signup, whose users must not be forced.
   * @default true
   */
  flagOnFirstLogin?: boolean;
  /**
   * Names of the database connections to gate. Connections whose strategy is not `auth0` are
   * never gated, even when listed. Default: every database connection.
   * @default undefined
   */
  connections?: readonly string[];
  /**
   * `'enforce'` denies and writes; `'report'` decides and logs as usual but never denies and never
   * writes — for rolling out on a live tenant.
   * @default 'enforce'
   */
  mode?: 'enforce' | 'report';
  /**
   * `true`: one JSON line per decision through `console.log`; `false`: silence; a function
   * receives each entry instead.
   * @default true
   */
  log?: LogOption;
}

export const DEFAULT_FLAG = 'needsPasswordReset';
export const DEFAULT_MESSAGE = 'Please reset your password!';

const messageTextSchema = z
  .string({ error: 'must be a string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));

const messageSchema = z.union(
  [
    messageTextSchema,
    // An object of locale → message; the object schema is already loaded, a record schema would
    // add weight to every cold start.
    z.catchall(
      z.object({
        default: z.string({
          error: (issue) =>
            issue.input === undefined ? 'is required when "options.message" is an object' : 'must be a string',
        }).check(z.minLength(1, { error: 'must be a non-empty string' })),
      }),
      messageTextSchema,
    ),
  ],
  { error: 'must be a non-empty string or an object of locale → message with a "default" entry' },
);

/** The schema of {@link FirstLoginGateOptions}; a type test keeps the two in step. */
export const firstLoginGateOptionsSchema = z.strictObject({
  flag: z.optional(metadataKeySchema),
  message: z.optional(messageSchema),
  flagOnFirstLogin: z.optional(z.boolean({ error: 'must be true or false' })),
  connections: z.optional(
    z.readonly(
      z
        .array(messageTextSchema, { error: 'must be an array of connection names' })
        .check(z.minLength(1, { error: 'must name at least one connection' })),
    ),
  ),
  // A custom check rather than z.enum: same result, and one schema class less on every cold start.
  mode: z.optional(
    z.custom<'enforce' | 'report'>((value) => value === 'enforce' || value === 'report', {
      error: 'must be "enforce" or "report"',
    }),
  ),
  log: z.optional(logOptionSchema),
});


/** The options with every default applied, as the decision function takes them. */
export interface ResolvedGateOptions {
  flag: string;
  /** `<flag>At`. */
  flaggedAtKey: string;
  message: LocalizedMessage;
  flagOnFirstLogin: boolean;
  /** `undefined`: every database connection. */
  connections: ReadonlySet<string> | undefined;
  mode: 'enforce' | 'report';
  log: LogOption;
}
