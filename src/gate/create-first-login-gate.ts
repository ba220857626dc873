import type { PostLoginApi, PostLoginEvent, PostLoginHandler } from '../auth0/post-login.js';
import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { createLogEmitter } from '../internal/log.js';
import { checkOptions } from '../internal/check-options.js';
import { transportOf } from '../internal/transport.js';
import { DEFAULT_FLAG, obligationKeys } from '../obligation/obligation.js';
import { formatIsoTime } from '../obligation/time.js';
import { decideFirstLogin, type GateDecision } from './decide-first-login.js';
import {
  DEFAULT_EMAIL_SENT_MESSAGE,
  DEFAULT_MESSAGE,
  firstLoginGateOptionChecks,
  type FirstLoginGateOptions,
  type LocalizedMessage,
  type ResolvedGateOptions,
} from './options.js';
import { selectMessage } from './select-message.js';
import type { ResetEmailResult } from './send-reset-email.js';

const CALLER = 'createFirstLoginGate';

/** The denials that are about the password, and so may come with a reset email. */
const EMAIL_REASONS: ReadonlySet<GateDecision['reason']> = new Set(['first-login', 'flagged']);

/** The locales of a localized message, lower-cased; a plain string has none. */
const localesOf = (message: LocalizedMessage): string[] =>
  typeof message === 'string' ? [] : Object.keys(message).map((locale) => locale.toLowerCase());

/**
 * Options that are each valid but contradict each other: a user must not get the deny message in
 * their language and the email-sent message in English.
 */
function contradictions(message: LocalizedMessage, emailSentMessage: LocalizedMessage | undefined, emails: boolean): OptionsIssue[] {
  if (!emails || typeof message === 'string') return [];
  const localized = localesOf(message).filter((locale) => locale !== 'default');
  if (localized.length === 0) return [];
  const covered = new Set(emailSentMessage === undefined ? [] : localesOf(emailSentMessage));
  const missing = localized.filter((locale) => !covered.has(locale));
  if (missing.length === 0) return [];
  const expected = `must have the locales of "options.message" (missing: ${missing.join(', ')}); the default is in English only`;
  return [{ code: 'custom', path: 'options.emailSentMessage', expected }];
}

/** Applies the defaults; exported for the decision-table tests. */
export function resolveGateOptions(options?: FirstLoginGateOptions): ResolvedGateOptions {
  const parsed = checkOptions(CALLER, firstLoginGateOptionChecks, options);
  const {
    flag = DEFAULT_FLAG,
    message = DEFAULT_MESSAGE,
    flagOnFirstLogin = true,
    connections,
    mode = 'enforce',
    log = true,
    sendResetEmail = false,
    emailSentMessage,
    fetch,
  } = parsed;
  const issues = contradictions(message, emailSentMessage, sendResetEmail !== false);
  if (issues.length > 0) throw new OptionsError(CALLER, issues);
  const { cooldownMinutes = 15, timeoutMs = 2500 } = sendResetEmail === true ? {} : sendResetEmail || {};
  // Copied, so later changes to the caller's objects cannot change the gate.
  const copy = (text: LocalizedMessage) => (typeof text === 'string' ? text : ({ ...text } as LocalizedMessage));
  return {
    keys: obligationKeys(flag),
    message: copy(message),
    flagOnFirstLogin,
    connections: connections === undefined ? undefined : new Set(connections),
    mode,
    log,
    resetEmail:
      sendResetEmail === false
        ? undefined
        : {
            cooldownMs: cooldownMinutes * 60_000,
            timeoutMs,
            sentMessage: copy(emailSentMessage ?? DEFAULT_EMAIL_SENT_MESSAGE),
            fetch,
          },
  };
}

function readLocale(event: unknown): string | undefined {
  try {
    const locale = (event as PostLoginEvent | undefined)?.transaction?.locale;
    return typeof locale === 'string' ? locale : undefined;
  } catch {
    return undefined;
  }
}

function readUserId(event: unknown): string | undefined {
  const userId = (event as PostLoginEvent | undefined)?.user?.user_id;
  return typeof userId === 'string' ? userId : undefined;
}

/** `TypeError: …`, for a log line's `detail`. */
const describeThrown = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown');

/**
 * Creates the post-login handler that forces database users to replace their initial password.
 *
 * On a user's first login (`logins_count === 1`, no password change yet) it sets
 * `app_metadata[flag] = true` and `<flag>At`, and denies; while the flag is set it denies every
 * login — refresh-token and password grants included — until the password changes. A user whose
 * password changed after the flag was set is let in and the flag cleared, even when the
 * post-change-password clearer never ran. Social and enterprise users are never gated.
 *
 * Options are checked here, once, when the Action's module loads; bad options throw an
 * {@link OptionsError}. The returned handler never throws: a malformed event or an internal fault
 * ends in a deny with the message and a log line saying why.
 *
 * @example
 * ```js
 * // post-login Action
 * const { createFirstLoginGate } = require('auth0-force-password-reset');
 * exports.onExecutePostLogin = createFirstLoginGate({
 *   flag: 'mustChangePassword',
 *   message: { default: 'Please set a new password.', fr: 'Veuillez choisir un nouveau mot de passe.' },
 * });
 * ```
 */
export function createFirstLoginGate(options?: FirstLoginGateOptions): PostLoginHandler {
  const resolved = resolveGateOptions(options);
  const { keys, resetEmail } = resolved;
  const emit = createLogEmitter(resolved.log, 'post-login');
  const logging = resolved.log !== false;
  const enforce = resolved.mode === 'enforce';

  const onExecutePostLogin = async function onExecutePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
    let userId: string | undefined;
    let message = resolved.message;
    try {
      userId = readUserId(event);
      const now = Date.now();
      const decision: GateDecision = decideFirstLogin(event, resolved, now);
      let email: ResetEmailResult | undefined;
      if (enforce && resetEmail !== undefined && EMAIL_REASONS.has(decision.reason)) {
        // Loaded here, not with the module: only denied logins with emails enabled pay for it.
        const { sendResetEmail } = await import('./send-reset-email.js');
        const transport = resetEmail.fetch ?? transportOf(api) ?? globalThis.fetch;
        email = await sendResetEmail(event, resetEmail, keys, transport, now);
        if (email.outcome === 'sent' || email.outcome === 'cooldown') message = resetEmail.sentMessage;
      }
      // With logging off, build no entry at all: this runs on every login.
      if (logging) {
        const wrote = decision.writes.map(([key]) => key);
        if (email?.outcome === 'sent') wrote.push(keys.emailedAtKey);
        const detail = decision.detail ?? email?.detail;
        emit({
          decision: decision.outcome,
          reason: decision.reason,
          ...(userId === undefined ? {} : { user_id: userId }),
          mode: resolved.mode,
          ...(wrote.length === 0 ? {} : { wrote }),
          ...(email === undefined ? {} : { email: email.outcome }),
          ...(detail === undefined ? {} : { detail }),
        });
      }
      if (!enforce) return;
      // An index loop: no iterator on every login (`npm run bench` measures it).
      const { writes } = decision;
      for (let index = 0; index < writes.length; index += 1) {
        const [key, value] = writes[index] as (typeof writes)[number];
        api.user.setAppMetadata(key, value);
      }
      if (email?.outcome === 'sent') api.user.setAppMetadata(keys.emailedAtKey, formatIsoTime(now) as string);
      if (decision.outcome === 'allow') return;
    } catch (error) {
      // Whatever failed — reading the event, queuing a write — must neither let through a user who
      // should be stopped nor surface Auth0's generic "Extensibility Error": deny instead.
      emit({
        decision: 'deny',
        reason: 'internal-error',
        ...(userId === undefined ? {} : { user_id: userId }),
        mode: resolved.mode,
        detail: describeThrown(error),
      });
      if (!enforce) return;
    }
    // Auth0 saves the queued metadata writes at the end of the trigger, on a deny too.
    try {
      api.access.deny(selectMessage(message, readLocale(event)));
    } catch (error) {
      // An `api` that cannot deny: nothing safer is left to do, and a throw would only show the
      // user Auth0's "Extensibility Error". Say so in the log; never reject.
      emit({
        decision: 'warn',
        reason: 'deny-failed',
        ...(userId === undefined ? {} : { user_id: userId }),
        mode: resolved.mode,
        detail: describeThrown(error),
      });
    }
  };
  // The build is minified; keep the name in stack traces and in `handler.name`.
  return Object.defineProperty(onExecutePostLogin, 'name', { value: 'onExecutePostLogin' });
}
