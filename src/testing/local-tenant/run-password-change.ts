import { setImmediate } from 'node:timers/promises';
import type { PostChangePasswordApi, PostChangePasswordEvent } from '../../auth0/post-change-password.js';
import { connectionKindOf } from '../connection-kind.js';
import { buildPostChangePasswordEvent } from '../events.js';
import { attachTransport } from '../attach-transport.js';
import { checkArguments, oneOfCheck, optionsCheck, type OptionChecks } from '../../internal/check-options.js';
import { testingError } from '../testing-error.js';
import { connectionView, requestFrom, requireUser, secretsCheck, type TriggerContext } from './trigger-context.js';
import { handlersCheck, toHandlers, type PostChangePasswordActionHandler, type PostChangePasswordHandlers } from './bound-actions.js';
import type { TenantUser } from './user-store.js';

/**
 * Options of {@link LocalTenant.runPasswordChange}.
 *
 * @example
 * ```ts
 * tenant.runPasswordChange(user.user_id, 'Temp-0rary-Passw0rd', clearer, { by: 'administrator' });
 * ```
 */
export interface RunPasswordChangeOptions {
  /**
   * Who changes the password: `'user'` (a reset link, the "change password" page) or `'administrator'`
   * (the Dashboard or `PATCH /api/v2/users/{id}`, e.g. to set a temporary password). Both stamp
   * `last_password_reset`, both must meet the connection's password policy, and both run the trigger.
   * @default 'user'
   */
  readonly by?: 'user' | 'administrator';
  /**
   * `event.secrets`: the Action's secrets. Copied, so a handler cannot change the caller's object.
   * @default the tenant's own `secrets` (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET)
   */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
}

/**
 * How the trigger ended. It never rejects: as in Auth0, a failing handler only leaves a log entry and
 * does not undo the password change.
 *
 * @example
 * ```ts
 * const completion: PasswordChangeCompletion = await tenant.runPasswordChange(user.user_id, 'A-new-Passw0rd', clearer).completion;
 * if (!completion.ok) throw completion.error;
 * ```
 */
export type PasswordChangeCompletion =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** What the handler threw (a non-`Error` is wrapped, with it as `cause`). Later handlers did not run. */
      readonly error: Error;
    };

/**
 * What {@link LocalTenant.runPasswordChange} returns, at once: the change is made, the trigger runs later.
 *
 * @example
 * ```ts
 * const run: PasswordChangeRun = tenant.runPasswordChange(user.user_id, 'A-new-Passw0rd', clearer);
 * run.changedAt; // last_password_reset, at once
 * await run.completion; // once the handlers ran
 * ```
 */
export interface PasswordChangeRun {
  /** `last_password_reset` of this change: ISO 8601, by the tenant clock. */
  readonly changedAt: string;
  /** The user as stored right after the change, before any handler ran: a copy. */
  readonly user: TenantUser;
  /** The event the handlers receive. As in Auth0 it has no `app_metadata`. */
  readonly event: PostChangePasswordEvent;
  /** Settles once every handler has run, or one failed. Never rejects. */
  readonly completion: Promise<PasswordChangeCompletion>;
}

const WHERE = 'localTenant.runPasswordChange';

/** The checks of {@link RunPasswordChangeOptions}: one per option, typed against the interface. */
export const runPasswordChangeOptionChecks: OptionChecks<RunPasswordChangeOptions> = {
  by: oneOfCheck(['user', 'administrator']),
  secrets: secretsCheck,
};

/** The checks of `redeemResetLink`'s options: those of {@link RunPasswordChangeOptions} but `by` (the user changes it). */
export const redeemResetLinkOptionChecks: OptionChecks<Omit<RunPasswordChangeOptions, 'by'>> = {
  secrets: secretsCheck,
};

/** The arguments of a password change's call — `handlers` and `options` — checked together. */
export function checkPasswordChangeArguments<Options>(where: string, handlers: unknown, checks: OptionChecks<Options>, options: unknown): void {
  checkArguments(where, ['handlers', handlersCheck('postChangePassword'), handlers], ['options', optionsCheck(checks), options]);
}

/**
 * Builds `event` for a password change of `user`, with the public builder. Auth0 passes no metadata to
 * this trigger.
 */
function buildPasswordChangeEvent(
  context: TriggerContext,
  user: TenantUser,
  secrets: Record<string, string | undefined>,
): PostChangePasswordEvent {
  return buildPostChangePasswordEvent({
    user: {
      user_id: user.user_id,
      email: user.email,
      email_verified: user.email_verified,
      last_password_reset: user.last_password_reset,
    },
    connection: connectionView(context.users.connectionOf(user.user_id)),
    request: { ...requestFrom(context.domain, 'en'), method: 'POST' },
    tenant: { id: context.tenantId },
    secrets,
  });
}

async function runFlow(
  flow: readonly PostChangePasswordActionHandler[],
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
): Promise<PasswordChangeCompletion> {
  // The trigger starts after the change is acknowledged, not within it. `node:timers/promises`, not the
  // global, so that a test's fake timers (`vi.useFakeTimers()`) cannot stall it.
  await setImmediate();
  for (const handler of flow) {
    try {
      // Each Action gets its own copy of the event.
      await handler(structuredClone(event), api);
    } catch (thrown) {
      const error =
        thrown instanceof Error
          ? thrown
          : testingError(WHERE, 'a post-change-password handler threw a value that is not an Error', { cause: thrown });
      return { ok: false, error };
    }
  }
  return { ok: true };
}

/** What {@link createPasswordChangeRunner} makes. */
export interface PasswordChangeRunner {
  /** {@link LocalTenant.runPasswordChange}. */
  runPasswordChange(userId: string, newPassword: string, handlers: PostChangePasswordHandlers, options?: RunPasswordChangeOptions): PasswordChangeRun;
  /** Runs the trigger for a change already made to `user`: at once for the caller, the handlers later. */
  runTrigger(user: TenantUser, flow: readonly PostChangePasswordActionHandler[], secrets: Record<string, string | undefined>): PasswordChangeRun;
}

/**
 * Creates {@link LocalTenant.runPasswordChange} for a tenant — a password change, then the
 * post-change-password trigger, asynchronous and non-blocking as in Auth0 — and `runTrigger`, the
 * trigger alone, for a change the Management API made.
 *
 * @param context - the tenant's users, domain and post-change-password `api.cache`.
 * @param defaultSecrets - `event.secrets` when the caller passes none.
 */
export function createPasswordChangeRunner(
  context: TriggerContext,
  defaultSecrets: Readonly<Record<string, string>>,
): PasswordChangeRunner {
  /** Runs the trigger for a change already made to `user`: at once for the caller, the handlers later. */
  function runTrigger(
    user: TenantUser,
    flow: readonly PostChangePasswordActionHandler[],
    secrets: Record<string, string | undefined>,
  ): PasswordChangeRun {
    const event = buildPasswordChangeEvent(context, user, secrets);
    // Only `api.cache`, as in Auth0, with the tenant's transport for this library's clearer.
    const api: PostChangePasswordApi = attachTransport({ cache: context.cache }, context.fetch);
    return {
      changedAt: user.last_password_reset as string,
      user,
      event: structuredClone(event),
      completion: runFlow(flow, event, api),
    };
  }

  function runPasswordChange(
    userId: string,
    newPassword: string,
    handlers: PostChangePasswordHandlers,
    options?: RunPasswordChangeOptions,
  ): PasswordChangeRun {
    checkPasswordChangeArguments(WHERE, handlers, runPasswordChangeOptionChecks, options);
    const { by = 'user', secrets = defaultSecrets } = options ?? {};
    requireUser(WHERE, context.users, userId);
    const connection = context.users.connectionOf(userId);
    const kind = connectionKindOf(connection.strategy);
    if (kind !== 'database') {
      const problem = `user ${JSON.stringify(userId)} belongs to "${connection.name}", a ${kind} connection: only database users have an Auth0 password, and Auth0 runs post-change-password for them alone`;
      throw testingError(WHERE, problem);
    }

    const user =
      by === 'administrator'
        ? context.users.setPassword(userId, newPassword)
        : context.users.changePassword(userId, newPassword);
    return runTrigger(user, toHandlers('postChangePassword', handlers), { ...secrets });
  }

  return { runPasswordChange, runTrigger };
}
