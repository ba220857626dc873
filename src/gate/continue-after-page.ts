import type { PostLoginApi, PostLoginEvent } from '../auth0/post-login.js';
import type { AuditFields, LogEntry } from '../internal/log.js';
import { PASSWORD_CHANGE_SKIPPED_PURPOSE, PASSWORD_CHANGED_PURPOSE, SESSION_TOKEN_PARAMETER } from '../internal/page-session.js';
import { isRecord } from '../obligation/obligation.js';
import { parseIsoTime } from '../obligation/time.js';
import type { GateDecision } from './decide-first-login.js';
import type { ResolvedGateOptions } from './options.js';
import { readPageSecret } from './page-redirect.js';

/**
 * What `onContinuePostLogin` concluded: let the login go on, or deny it and why — with the audit
 * fields (`since`, `due`, `by`) of the decision it rests on, for the log line.
 */
export type ContinueOutcome =
  | {
      readonly outcome: 'allow';
      /** `page-password-changed`, or `page-not-now`: "Not now" in a warning, and nothing stops the login now. */
      readonly reason: 'page-password-changed' | 'page-not-now';
      readonly writes: GateDecision['writes'];
      readonly audit?: AuditFields;
    }
  | {
      readonly outcome: 'deny';
      readonly reason:
        | 'page-not-configured'
        | 'page-secret-unusable'
        | 'page-token-invalid'
        | 'page-change-too-early'
        /** "Not now", but the login is no longer a warning (the deadline passed, a flag was set). */
        | 'page-not-now-refused'
        | 'malformed-event';
      readonly detail: string;
      readonly audit?: AuditFields;
    };

/** The gate's own decision function, passed in so that this lazily loaded code does not import it. */
export type Decide = (event: unknown, options: ResolvedGateOptions, now: () => number) => GateDecision;

/** How far the page's clock may run ahead of Auth0's before its `password_changed_at` is refused. */
const CLOCK_SKEW_MS = 60_000;

/** The later of two ISO times (`b` wins when `a` is not a time). */
const laterOf = (a: unknown, b: string): unknown => {
  const first = parseIsoTime(a);
  return first !== undefined && first >= (parseIsoTime(b) as number) ? a : b;
};

/**
 * The gate's `onContinuePostLogin`: the user is back from the change-password page. The page's token
 * (checked by Auth0's `api.redirect.validateToken`: signature, expiry, `sub`, `iss` and the
 * transaction's `state`) says when the password changed; the login goes on only when that change
 * meets the obligation — decided by the gate's own rule, as if the event already showed the change
 * — and the flag is then cleared like the gate's self-healing does. Or it says the user chose "Not
 * now" in a warning: the login goes on only while the gate's decision does not stop it (still a warning, or
 * nothing due any more: the password changed meanwhile). Anything else denies. Never throws.
 */
export function continueAfterPage(
  event: PostLoginEvent,
  api: PostLoginApi,
  options: ResolvedGateOptions,
  decide: Decide,
  now: () => number,
): ContinueOutcome {
  const { page } = options;
  if (page === undefined) {
    return { outcome: 'deny', reason: 'page-not-configured', detail: 'onContinuePostLogin ran, but the gate has no changePasswordPage' };
  }
  const secret = readPageSecret(event, page);
  if (typeof secret !== 'string') return { outcome: 'deny', reason: 'page-secret-unusable', detail: secret.problem };

  let claims: unknown;
  try {
    claims = api.redirect.validateToken({ secret, tokenParameterName: SESSION_TOKEN_PARAMETER });
  } catch (error) {
    // Auth0's reasons name no token ("The session token is invalid: …"); cut them short all the same.
    const reason = error instanceof Error ? error.message.slice(0, 80) : 'not an Error';
    return { outcome: 'deny', reason: 'page-token-invalid', detail: reason };
  }
  const purpose = isRecord(claims) ? claims['purpose'] : undefined;
  if (!isRecord(claims) || (purpose !== PASSWORD_CHANGED_PURPOSE && purpose !== PASSWORD_CHANGE_SKIPPED_PURPOSE)) {
    return { outcome: 'deny', reason: 'page-token-invalid', detail: 'not a token of the change-password page' };
  }
  // Auth0 documents that validateToken checks `sub`; whether it refuses a token without one, it does not say.
  if (typeof claims['sub'] !== 'string' || claims['sub'] !== event.user?.user_id) {
    return { outcome: 'deny', reason: 'page-token-invalid', detail: claims['sub'] === undefined ? 'the token names no user' : 'the token is about another user' };
  }
  if (purpose === PASSWORD_CHANGE_SKIPPED_PURPOSE) return notNow(event, options, decide, now);

  const changedAt = claims['password_changed_at'];
  const changedAtMs = parseIsoTime(changedAt);
  if (typeof changedAt !== 'string' || changedAtMs === undefined) {
    return { outcome: 'deny', reason: 'page-token-invalid', detail: 'password_changed_at is not a time' };
  }
  // A change "in the future" would meet every obligation that begins before it: no clock is that far off.
  if (changedAtMs > now() + CLOCK_SKEW_MS) {
    return { outcome: 'deny', reason: 'page-token-invalid', detail: 'password_changed_at lies in the future' };
  }

  // The one rule decides, with the page's change in view: `event.user` may predate it.
  const user: Record<string, unknown> = isRecord(event.user) ? event.user : {};
  const view = { ...event, user: { ...user, last_password_reset: laterOf(user['last_password_reset'], changedAt) } };
  const decision = decide(view, options, now);
  if (decision.outcome === 'allow') return { outcome: 'allow', reason: 'page-password-changed', writes: decision.writes };
  if (decision.reason === 'malformed-event') return { outcome: 'deny', reason: 'malformed-event', detail: decision.detail ?? 'malformed event' };
  return { outcome: 'deny', reason: 'page-change-too-early', detail: `the page's change does not postdate the obligation (${decision.reason})`, audit: decision };
}

/**
 * "Not now": the user kept the password in a warning session. The gate's own decision for this login,
 * now, must not stop it: still a warning, or nothing to do any more (the password was changed
 * meanwhile, in another tab or from a reset email — the login the gate would let in anyway). A
 * deadline passed while the user was on the page, or a flag set meanwhile, is refused. The login then
 * goes on as the gate's decision does (its writes, if any, applied). Nothing is written for the choice
 * itself: the next login in the window asks again.
 */
function notNow(event: PostLoginEvent, options: ResolvedGateOptions, decide: Decide, now: () => number): ContinueOutcome {
  const decision = decide(event, options, now);
  if (decision.outcome === 'warn' || decision.outcome === 'allow') return { outcome: 'allow', reason: 'page-not-now', writes: decision.writes, audit: decision };
  if (decision.reason === 'malformed-event') return { outcome: 'deny', reason: 'malformed-event', detail: decision.detail ?? 'malformed event' };
  // The detail is the gate's reason alone: the line keeps room for `since` and `by`.
  return { outcome: 'deny', reason: 'page-not-now-refused', detail: decision.reason, audit: decision };
}

/** A continue outcome as a log entry's fields (the audit fields apart: the gate adds those that fit). */
export function continueLogFields(result: ContinueOutcome): Pick<LogEntry, 'decision' | 'reason'> & { detail?: string } {
  return result.outcome === 'allow'
    ? { decision: 'allow', reason: result.reason }
    : { decision: 'deny', reason: result.reason, detail: result.detail };
}
