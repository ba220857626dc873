import * as z from 'zod/mini';
import type { LogOption } from '../internal/log.js';
import { fetchOptionSchema, integerIn, logOptionSchema, metadataKeySchema } from '../internal/schemas.js';

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
  /**
   * When the gate denies a flagged user on an interactive login, ask Auth0 to email them a link to set
   * a new password (`POST https://{event.request.hostname}/dbconnections/change_password`; no
   * credentials needed), at most once per cooldown, recorded as `<flag>EmailedAt`. Never in report
   * mode, never for a user with no email address, never for refresh-token or password grants or
   * `prompt=none` (an app refreshing tokens in the background must not send mail). The request's
   * failure is logged and changes nothing else.
   * `true` uses the defaults of {@link ResetEmailOptions}.
   * @default false
   */
  sendResetEmail?: boolean | ResetEmailOptions;
  /**
   * The deny reason when a reset email was sent (now, or within the cooldown), localized like `message`.
   * @default 'Please reset your password! We have emailed you a link to set a new password.'
   */
  emailSentMessage?: LocalizedMessage;
  /**
   * The `fetch` the reset-email request goes through (an egress proxy; tests).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
}

/** How the gate sends reset emails. */
export interface ResetEmailOptions {
  /**
   * At most one email per this many minutes per user (Auth0 itself allows about one a minute per address).
   * @default 15
   */
  cooldownMinutes?: number;
  /**
   * How long the email request may take; the login waits for it.
   * @default 2500
   */
  timeoutMs?: number;
}

export const DEFAULT_FLAG = 'needsPasswordReset';
export const DEFAULT_MESSAGE = 'Please reset your password!';
export const DEFAULT_EMAIL_SENT_MESSAGE = 'Please reset your password! We have emailed you a link to set a new password.';

const messageTextSchema = z
  .string({ error: 'must be a string' })
  .check(z.minLength(1, { error: 'must be a non-empty string' }));

/** A string, or an object of locale → message with a `default`; `option` names it in errors. */
const localizedMessageSchema = (option: string) =>
  z.union(
    [
      messageTextSchema,
      // An object of locale → message; the object schema is already loaded, a record schema would
      // add weight to every cold start.
      z.catchall(
        z.object({
          default: z
            .string({
              error: (issue) =>
                issue.input === undefined ? `is required when "options.${option}" is an object` : 'must be a string',
            })
            .check(z.minLength(1, { error: 'must be a non-empty string' })),
        }),
        messageTextSchema,
      ),
    ],
    { error: 'must be a non-empty string or an object of locale → message with a "default" entry' },
  );

/** The schema of {@link FirstLoginGateOptions}; a type test keeps the two in step. */
export const firstLoginGateOptionsSchema = z.strictObject({
  flag: z.optional(metadataKeySchema),
  message: z.optional(localizedMessageSchema('message')),
  flagOnFirstLogin: z.optional(z.boolean({ error: 'must be true or false' })),
  // The interface says readonly (the gate never changes the caller's array); z.readonly would add a
  // schema class to every cold start for no check.
  connections: z.optional(
    z
      .array(messageTextSchema, { error: 'must be an array of connection names' })
      .check(z.minLength(1, { error: 'must name at least one connection' })),
  ),
  // A custom check rather than z.enum: same result, and one schema class less on every cold start.
  mode: z.optional(
    z.custom<'enforce' | 'report'>((value) => value === 'enforce' || value === 'report', {
      error: 'must be "enforce" or "report"',
    }),
  ),
  log: z.optional(logOptionSchema),
  sendResetEmail: z.optional(
    z.union(
      [
        z.boolean(),
        z.strictObject({
          cooldownMinutes: z.optional(integerIn(1, 1440, ' (minutes)')),
          timeoutMs: z.optional(integerIn(100, 5000, ' (milliseconds)')),
        }),
      ],
      { error: 'must be true, false or { cooldownMinutes?, timeoutMs? }' },
    ),
  ),
  emailSentMessage: z.optional(localizedMessageSchema('emailSentMessage')),
  fetch: z.optional(fetchOptionSchema),
}, { error: 'must be an object or undefined' });


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
  /** `undefined`: no reset emails. */
  resetEmail: ResolvedResetEmail | undefined;
}

/** The reset-email settings with defaults applied. */
export interface ResolvedResetEmail {
  cooldownMs: number;
  timeoutMs: number;
  /** `<flag>EmailedAt`. */
  emailedAtKey: string;
  /** `<flag>At`: an email sent before the current obligation was set does not count. */
  flaggedAtKey: string;
  sentMessage: LocalizedMessage;
  fetch: typeof globalThis.fetch | undefined;
}
