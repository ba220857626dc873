import type { PostLoginApi, PostLoginEvent, PostLoginHandler } from '../auth0/post-login.js';
import { createLogEmitter } from '../internal/log.js';
import { parseOptions } from '../internal/parse-options.js';
import { decideFirstLogin, type GateDecision } from './decide-first-login.js';
import {
  DEFAULT_FLAG,
  DEFAULT_MESSAGE,
  firstLoginGateOptionsSchema,
  type FirstLoginGateOptions,
  type ResolvedGateOptions,
} from './options.js';
import { selectMessage } from './select-message.js';

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
  } = parsed;
  return {
    flag,
    flaggedAtKey: `${flag}At`,
    // Copied, so later changes to the caller's objects cannot change the gate.
    message: typeof message === 'string' ? message : ({ ...message } as ResolvedGateOptions['message']),
    flagOnFirstLogin,
    connections: connections === undefined ? undefined : new Set(connections),
    mode,
    log,
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
    try {
      userId = readUserId(event);
      const decision: GateDecision = decideFirstLogin(event, resolved, Date.now());
      // With logging off, build no entry at all: this runs on every login.
      if (logging) emit({
        decision: decision.outcome,
        reason: decision.reason,
        ...(userId === undefined ? {} : { user_id: userId }),
        mode: resolved.mode,
        ...(decision.writes.length === 0 ? {} : { wrote: decision.writes.map(([key]) => key) }),
        ...(decision.detail === undefined ? {} : { detail: decision.detail }),
      });
      if (resolved.mode === 'report') return;
      const { writes } = decision;
      for (let i = 0; i < writes.length; i += 1) {
        const write = writes[i] as (typeof writes)[number];
        api.user.setAppMetadata(write[0], write[1]);
      }
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
    api.access.deny(selectMessage(resolved.message, readLocale(event)));
  };
  // The build is minified; keep the name in stack traces and in `handler.name`.
  return Object.defineProperty(onExecutePostLogin, 'name', { value: 'onExecutePostLogin' });
}
