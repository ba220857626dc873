import type { PostLoginApi, PostLoginContinueHandler, PostLoginEvent, PostLoginHandler } from '../auth0/post-login.js';
import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { createLogEmitter, defaultLogOption, withAuditFields, type LogEntry } from '../internal/log.js';
import { checkOptions } from '../internal/check-options.js';
import { transportOf } from '../internal/transport.js';
import { DEFAULT_FLAG, obligationKeys, passwordSetAt, tenantWideRulesFrom } from '../obligation/obligation.js';
import { formatIsoTime } from '../obligation/time.js';
import { decideFirstLogin, type GateDecision } from './decide-first-login.js';
import {
  DEFAULT_EMAIL_SENT_MESSAGE,
  DEFAULT_MESSAGE,
  firstLoginGateOptionChecks,
  type FirstLoginGateOptions,
  type LocalizedMessage,
  type ResolvedGateOptions,
  type ResolvedPage,
} from './options.js';
import { createMessageSelector, type MessageSelector } from '../internal/select-message.js';
import { inLanguagesOf } from './default-messages.js';
import type { PageRedirectResult } from './page-redirect.js';
import type { ResetEmailResult } from './send-reset-email.js';

const CALLER = 'createFirstLoginGate';
/** The Action secret that holds the page's key unless `changePasswordPage.secret` names another. */
const DEFAULT_PAGE_SECRET = 'CHANGE_PASSWORD_PAGE_SECRET';


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
  const covered = new Set(localesOf(emailSentMessage ?? inLanguagesOf(DEFAULT_EMAIL_SENT_MESSAGE, message)));
  const missing = localized.filter((locale) => !covered.has(locale));
  if (missing.length === 0) return [];
  const expected = `must have the locales of "options.message" (missing: ${missing.join(', ')})${emailSentMessage === undefined ? '; the default does not have them' : ''}`;
  return [{ code: 'custom', path: 'options.emailSentMessage', expected }];
}

/** Applies the defaults; exported for the decision-table tests. */
export function resolveGateOptions(options?: FirstLoginGateOptions): ResolvedGateOptions {
  const parsed = checkOptions(CALLER, firstLoginGateOptionChecks, options);
  const {
    flag = DEFAULT_FLAG,
    // The default speaks the languages of an emailSentMessage given without a message, no more.
    message = parsed.emailSentMessage === undefined || parsed.sendResetEmail === undefined || parsed.sendResetEmail === false
      ? DEFAULT_MESSAGE
      : inLanguagesOf(DEFAULT_MESSAGE, parsed.emailSentMessage),
    flagOnFirstLogin = true,
    connections,
    mode = 'enforce',
    log = defaultLogOption(),
    sendResetEmail = false,
    emailSentMessage,
    fetch,
    changePasswordPage,
    passwordsSetBefore,
    maxPasswordAgeDays,
    exempt,
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
            sentMessage: copy(emailSentMessage ?? inLanguagesOf(DEFAULT_EMAIL_SENT_MESSAGE, message)),
            fetch,
          },
    rules: tenantWideRulesFrom({ passwordsSetBefore, maxPasswordAgeDays }),
    exemptPasskeyLogins: exempt?.passkeyLogins ?? false,
    page:
      changePasswordPage === undefined
        ? undefined
        : {
            url: changePasswordPage.url,
            secretName: changePasswordPage.secret ?? DEFAULT_PAGE_SECRET,
            expiresInSeconds: changePasswordPage.expiresInSeconds ?? 600,
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

/** A handler and what it says: one log entry's fields and, for a deny, the message. */
type Emit = ReturnType<typeof createLogEmitter>;
type LogFields = Parameters<Emit>[0];

/** What the change-password page and the reset email made of a login the obligation stops. */
interface PageAndEmail {
  /** The deny's message: the email-sent one once an email went out (now or within the cooldown). */
  message: MessageSelector;
  redirect: PageRedirectResult | undefined;
  email: ResetEmailResult | undefined;
}

/** Denies with the message in the login's language; an `api` that cannot deny is logged, never thrown at. */
function deny(api: PostLoginApi, event: PostLoginEvent, message: MessageSelector, emit: Emit, mode: LogEntry['mode'], userId: string | undefined): void {
  try {
    api.access.deny(message(readLocale(event)));
  } catch (error) {
    // Nothing safer is left to do, and a throw would only show the user Auth0's "Extensibility Error".
    emit({ decision: 'warn', reason: 'deny-failed', ...(userId === undefined ? {} : { user_id: userId }), ...(mode === undefined ? {} : { mode }), detail: describeThrown(error) });
  }
}

/** What {@link createFirstLoginGate} returns: the post-login handler, with the handler for the return from the page. */
export interface FirstLoginGate extends PostLoginHandler {
  /**
   * `exports.onContinuePostLogin`: when the user comes back from the change-password page
   * (`changePasswordPage`), checks the page's signed token and lets the login go on only if the
   * password changed after the obligation began — clearing the flag — or, after "Not now", only if the
   * gate would not stop the login (still a warning, or nothing due any more); it denies otherwise. Without `changePasswordPage` it denies. Never throws.
   */
  readonly onContinuePostLogin: PostLoginContinueHandler;
}

/**
 * Creates the post-login handler that forces database users to replace their initial password.
 *
 * On a user's first login (`logins_count === 1`, no password change yet) it sets
 * `app_metadata[flag] = true` and `<flag>At`, and denies; while the flag is set it denies every
 * login — refresh-token and password grants included — until the password changes. A user whose
 * password changed after the flag was set is let in and the flag cleared, even when the
 * post-change-password clearer never ran. Social and enterprise users are never gated. With
 * `changePasswordPage`, an interactive login that would be denied goes to your page instead, and
 * comes back through `onContinuePostLogin`.
 *
 * Options are checked here, once, when the Action's module loads; bad options throw an
 * {@link OptionsError}. The returned handlers never throw: a malformed event or an internal fault
 * ends in a deny with the message and a log line saying why.
 *
 * @example
 * ```js
 * // post-login Action
 * const { createFirstLoginGate } = require('auth0-force-password-reset');
 * const gate = createFirstLoginGate({
 *   flag: 'mustChangePassword',
 *   message: { default: 'Please set a new password.', fr: 'Veuillez choisir un nouveau mot de passe.' },
 *   changePasswordPage: { url: 'https://login-help.example.com/change-password' },
 * });
 * exports.onExecutePostLogin = gate;
 * exports.onContinuePostLogin = gate.onContinuePostLogin;
 * ```
 */
export function createFirstLoginGate(options?: FirstLoginGateOptions): FirstLoginGate {
  const resolved = resolveGateOptions(options);
  const { keys, resetEmail, page } = resolved;
  const emit = createLogEmitter(resolved.log, 'post-login');
  const logging = resolved.log !== false;
  const enforce = resolved.mode === 'enforce';
  const denyMessage = createMessageSelector(resolved.message);
  const sentMessage = resetEmail === undefined ? undefined : createMessageSelector(resetEmail.sentMessage);

  /**
   * Whatever failed — reading the event, queuing a write — must neither let through a user who
   * should be stopped nor surface Auth0's generic "Extensibility Error": deny instead.
   */
  function denyAfterFault(event: PostLoginEvent, api: PostLoginApi, message: MessageSelector, userId: string | undefined, error: unknown): void {
    emit({
      decision: 'deny',
      reason: 'internal-error',
      ...(userId === undefined ? {} : { user_id: userId }),
      mode: resolved.mode,
      detail: describeThrown(error),
    });
    if (enforce) deny(api, event, message, emit, resolved.mode, userId);
  }

  /**
   * Logs a decision and applies it: the writes, then the deny — unless the decision allows or the
   * page took the user over. `after` is what the page and the reset email made of the login, when
   * they were tried. Never throws.
   */
  function conclude(event: PostLoginEvent, api: PostLoginApi, decision: GateDecision, userId: string | undefined, now: () => number, after?: PageAndEmail): void {
    const redirect = after?.redirect;
    const email = after?.email;
    const message = after?.message ?? denyMessage;
    try {
      if (logging) {
        const wrote = decision.writes.map(([key]) => key);
        if (email?.outcome === 'sent') wrote.push(keys.emailedAtKey);
        const detail = decision.detail ?? (redirect?.outcome === 'sent' ? undefined : redirect?.detail) ?? email?.detail;
        const fields: LogFields = {
          // A warning lets the login go on: `allow`, and the reason says why it was warned.
          decision: redirect?.outcome === 'sent' ? 'redirect' : decision.outcome === 'deny' ? 'deny' : 'allow',
          reason: decision.reason,
          ...(userId === undefined ? {} : { user_id: userId }),
          mode: resolved.mode,
          ...(wrote.length === 0 ? {} : { wrote }),
          ...(redirect === undefined ? {} : { page: redirect.outcome }),
          ...(email === undefined ? {} : { email: email.outcome }),
          ...(detail === undefined ? {} : { detail }),
        };
        emit(withAuditFields('post-login', fields, decision));
      }
      if (!enforce) return;
      // Auth0 saves the writes before a redirect, as at the end of the trigger.
      for (const [key, value] of decision.writes) api.user.setAppMetadata(key, value);
      if (email?.outcome === 'sent') api.user.setAppMetadata(keys.emailedAtKey, formatIsoTime(now()) as string);
      if (decision.outcome !== 'deny' || redirect?.outcome === 'sent') return;
    } catch (error) {
      return denyAfterFault(event, api, message, userId, error);
    }
    // Auth0 saves the queued metadata writes at the end of the trigger, on a deny too.
    deny(api, event, message, emit, resolved.mode, userId);
  }

  /** A login the obligation stops, on a gate with the change-password page or reset emails: try them, then conclude. */
  async function stopWithPageOrEmail(event: PostLoginEvent, api: PostLoginApi, decision: GateDecision, userId: string | undefined, now: () => number): Promise<void> {
    const after: PageAndEmail = { message: denyMessage, redirect: undefined, email: undefined };
    try {
      if (page !== undefined) {
        // Loaded here, not with the module: only logins the obligation stops pay for it.
        const { redirectToPage } = await import('./page-redirect.js');
        after.redirect = redirectToPage(event, api, page, keys, { reason: decision.reason, since: decision.since as string });
      }
      if (after.redirect?.outcome !== 'sent' && resetEmail !== undefined) {
        const { sendResetEmail } = await import('./send-reset-email.js');
        const transport = resetEmail.fetch ?? transportOf(api) ?? globalThis.fetch;
        after.email = await sendResetEmail(event, resetEmail, keys, transport, now());
        if ((after.email.outcome === 'sent' || after.email.outcome === 'cooldown') && sentMessage !== undefined) after.message = sentMessage;
      }
    } catch (error) {
      return denyAfterFault(event, api, after.message, userId, error);
    }
    conclude(event, api, decision, userId, now, after);
  }

  /**
   * A warning, on a gate with the change-password page: an interactive login goes to the page, which
   * offers "Not now" until `due`; any other login, or one the page cannot take, goes on as the warning
   * it is. Nothing is written for the warning.
   */
  async function offerPageBeforeDeadline(event: PostLoginEvent, api: PostLoginApi, decision: GateDecision, page: ResolvedPage, userId: string | undefined, now: () => number): Promise<void> {
    const after: PageAndEmail = { message: denyMessage, redirect: undefined, email: undefined };
    try {
      // The decision read these fields already: a change after the password in use makes the warning moot.
      const user = event.user as { last_password_reset?: unknown; created_at?: unknown };
      const setAt = passwordSetAt(user.last_password_reset, user.created_at);
      if (setAt !== undefined) {
        const { redirectToPage } = await import('./page-redirect.js');
        const redirect = redirectToPage(event, api, page, keys, { reason: decision.reason, since: setAt, due: decision.due as string });
        // A login the page cannot take (a refresh token, prompt=none) is the warning it was without the page.
        if (redirect.outcome !== 'not-possible') after.redirect = redirect;
      }
    } catch (error) {
      // A warning stays a warning: the login goes on, and the log says what failed.
      after.redirect = { outcome: 'failed', detail: describeThrown(error) };
    }
    conclude(event, api, decision, userId, now, after);
  }

  const onExecutePostLogin = async function onExecutePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
    let userId: string | undefined;
    // The clock is read once, when something needs the time: the reset email's cooldown and stamp
    // see the instant the decision saw.
    let readAt: number | undefined;
    const now = () => (readAt ??= Date.now());
    let decision: GateDecision;
    try {
      userId = readUserId(event);
      decision = decideFirstLogin(event, resolved, now);
    } catch (error) {
      return denyAfterFault(event, api, denyMessage, userId, error);
    }
    // Only a deny because of the obligation says when it began (first login, flag, rules), and only
    // such a login may go to the page or get an email: the one case that waits for anything. A
    // warning (`warn`, with `due`) goes to the page, where the user may choose "Not now"; without the
    // page it is only logged: no email, no write of its own.
    if (enforce && decision.outcome === 'deny' && decision.since !== undefined && (page !== undefined || resetEmail !== undefined)) {
      return stopWithPageOrEmail(event, api, decision, userId, now);
    }
    if (enforce && decision.outcome === 'warn' && decision.due !== undefined && page !== undefined) {
      return offerPageBeforeDeadline(event, api, decision, page, userId, now);
    }
    conclude(event, api, decision, userId, now);
  };

  const onContinuePostLogin = async function onContinuePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
    let userId: string | undefined;
    try {
      userId = readUserId(event);
      const { continueAfterPage, continueLogFields } = await import('./continue-after-page.js');
      const result = continueAfterPage(event, api, resolved, decideFirstLogin, Date.now);
      const fields = continueLogFields(result);
      const wrote = result.outcome === 'allow' ? result.writes.map(([key]) => key) : [];
      emit(withAuditFields('post-login', { ...fields, ...(userId === undefined ? {} : { user_id: userId }), mode: resolved.mode, ...(wrote.length === 0 ? {} : { wrote }) }, result.audit ?? {}));
      if (!enforce) return;
      if (result.outcome === 'allow') {
        for (const [key, value] of result.writes) api.user.setAppMetadata(key, value);
        return;
      }
    } catch (error) {
      emit({ decision: 'deny', reason: 'internal-error', ...(userId === undefined ? {} : { user_id: userId }), mode: resolved.mode, detail: describeThrown(error) });
      if (!enforce) return;
    }
    deny(api, event, denyMessage, emit, resolved.mode, userId);
  };

  // A bundler may rename a function to avoid a clash; keep the names in stack traces and in `handler.name`.
  Object.defineProperty(onContinuePostLogin, 'name', { value: 'onContinuePostLogin' });
  return Object.defineProperties(onExecutePostLogin, {
    name: { value: 'onExecutePostLogin' },
    onContinuePostLogin: { value: onContinuePostLogin, enumerable: true },
  }) as FirstLoginGate;
}
