import type { PostLoginApi, PostLoginEvent, PostLoginHandler } from '../auth0/post-login.js';
import { createLogEmitter } from '../internal/log.js';
import { parseOptions } from '../internal/parse-options.js';
import { decideFirstLogin, type GateDecision } from './decide-first-login.js';
import {
  DEFAULT_FLAG,
  DEFAULT_EMAIL_SENT_MESSAGE,
  DEFAULT_MESSAGE,
  firstLoginGateOptionsSchema,
  type FirstLoginGateOptions,
  type ResolvedGateOptions,
} from './options.js';
import { selectMessage } from './select-message.js';
import type { ResetEmailResult } from './send-reset-email.js';
import { formatIsoUtc } from '../internal/format-iso.js';

/** The denials that are about the password, and so may come with a reset email. */
const EMAIL_REASONS: ReadonlySet<GateDecision['reason']> = new Set(['first-login', 'flagged']);

/** Applies the defaults; exported for the decision-table tests. */
export function resolveGateOptions(options?: FirstLoginGateOptions): ResolvedGateOptions {
  const parsed = parseOptions(
    'createFirstLoginGate',
    firstLoginGateOptionsSchema,
    options,
  );
  const {
    flag = DEFAULT_FLAG,
    message = DEFAULT_MESSAGE,
    flagOnFirstLogin = true,
    connections,
    mode = 'enforce',
    log = true,
    sendResetEmail = false,
    emailSentMessage = DEFAULT_EMAIL_SENT_MESSAGE,
    fetch,
  } = parsed;
  const { cooldownMinutes = 15, timeoutMs = 2500 } = sendResetEmail === true ? {} : sendResetEmail || {};
  return {
    flag,
    flaggedAtKey: `${flag}At`,
    // Copied, so later changes to the caller's objects cannot change the gate.
    message: typeof message === 'string' ? message : ({ ...message } as ResolvedGateOptions['message']),
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
            emailedAtKey: `${flag}EmailedAt`,
            flaggedAtKey: `${flag}At`,
            sentMessage: emailSentMessage,
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
  const emit = createLogEmitter(resolved.log, 'post-login');
  const logging = resolved.log !== false;

  const onExecutePostLogin = async function onExecutePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
    let userId: string | undefined;
    let message = resolved.message;
    try {
      userId = readUserId(event);
      const now = Date.now();
      const decision: GateDecision = decideFirstLogin(event, resolved, now);
      const enforce = resolved.mode === 'enforce';
      const { resetEmail } = resolved;
      let email: ResetEmailResult | undefined;
      if (enforce && resetEmail !== undefined && EMAIL_REASONS.has(decision.reason)) {
        // Loaded here, not with the module: only denied logins with emails enabled pay for it.
        const { sendResetEmail } = await import('./send-reset-email.js');
        email = await sendResetEmail(event, resetEmail, now);
        if (email.outcome === 'sent' || email.outcome === 'cooldown') message = resetEmail.sentMessage;
      }
      // With logging off, build no entry at all: this runs on every login.
      if (logging) {
        const wrote = decision.writes.map(([key]) => key);
        if (email?.outcome === 'sent' && resetEmail !== undefined) wrote.push(resetEmail.emailedAtKey);
        emit({
          decision: decision.outcome,
          reason: decision.reason,
          ...(userId === undefined ? {} : { user_id: userId }),
          mode: resolved.mode,
          ...(wrote.length === 0 ? {} : { wrote }),
          ...(email === undefined ? {} : { email: email.outcome }),
          ...(decision.detail ?? email?.detail) === undefined ? {} : { detail: (decision.detail ?? email?.detail) as string },
        });
      }
      if (!enforce) return;
      const { writes } = decision;
      for (let i = 0; i < writes.length; i += 1) {
        const write = writes[i] as (typeof writes)[number];
        api.user.setAppMetadata(write[0], write[1]);
      }
      if (email?.outcome === 'sent' && resetEmail !== undefined) api.user.setAppMetadata(resetEmail.emailedAtKey, formatIsoUtc(now));
      if (decision.outcome === 'allow') return;
    } catch (error) {
      // Whatever failed — reading the event, queuing a write — must neither let through a user who
      // should be stopped nor surface Auth0's generic "Extensibility Error": deny instead.
      emit({
        decision: 'deny',
        reason: 'internal-error',
        ...(userId === undefined ? {} : { user_id: userId }),
        mode: resolved.mode,
        detail: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown',
      });
      if (resolved.mode === 'report') return;
    }
    // Auth0 saves the queued metadata writes at the end of the trigger, on a deny too.
    api.access.deny(selectMessage(message, readLocale(event)));
  };
  // The build is minified; keep the name in stack traces and in `handler.name`.
  return Object.defineProperty(onExecutePostLogin, 'name', { value: 'onExecutePostLogin' });
}
