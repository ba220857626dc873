import { isPlainObject } from '../metadata.js';
import { testingTypeError } from '../testing-error.js';
import { describe } from './trigger-context.js';
import type { PostLoginActionHandler, PostLoginContinueActionHandler } from './run-login.js';
import type { PostChangePasswordActionHandler } from './run-password-change.js';

/**
 * A post-login Action as its file exports it: `exports.onExecutePostLogin` and, for an Action that
 * redirects, `exports.onContinuePostLogin` — what `require('./actions/post-login.js')` gives.
 *
 * @example
 * ```ts
 * const gate = createFirstLoginGate({ changePasswordPage: { url: page.url } });
 * const action: BoundPostLoginModule = { onExecutePostLogin: gate, onContinuePostLogin: gate.onContinuePostLogin };
 * ```
 */
export interface BoundPostLoginModule {
  readonly onExecutePostLogin: PostLoginActionHandler;
  readonly onContinuePostLogin?: PostLoginContinueActionHandler | undefined;
}

/**
 * A post-change-password Action as its file exports it: `exports.onExecutePostChangePassword`.
 *
 * @example
 * ```ts
 * const action: BoundPostChangePasswordModule = { onExecutePostChangePassword: createPasswordResetClearer() };
 * ```
 */
export interface BoundPostChangePasswordModule {
  readonly onExecutePostChangePassword: PostChangePasswordActionHandler;
}

/**
 * One bound post-login Action: a handler (the gate, which carries its `onContinuePostLogin`) or a module.
 *
 * @example
 * ```ts
 * const bound: BoundPostLoginAction = require('./actions/post-login.js');
 * ```
 */
export type BoundPostLoginAction = PostLoginActionHandler | BoundPostLoginModule;

/**
 * One bound post-change-password Action: a handler or a module.
 *
 * @example
 * ```ts
 * const bound: BoundPostChangePasswordAction = createPasswordResetClearer();
 * ```
 */
export type BoundPostChangePasswordAction = PostChangePasswordActionHandler | BoundPostChangePasswordModule;

/**
 * The Actions bound to a local tenant's triggers, as in the Dashboard's flows: the tenant runs them
 * itself — post-login for every sign-in at `/authorize` (and at `/continue` after a redirect),
 * post-change-password after every password set through `PATCH /api/v2/users/{id}`.
 *
 * @example
 * ```ts
 * tenant.bindActions({
 *   postLogin: [createFirstLoginGate({ changePasswordPage: { url: page.url } })],
 *   postChangePassword: [createPasswordResetClearer()],
 *   secrets: { CHANGE_PASSWORD_PAGE_SECRET: key },
 * });
 * ```
 */
export interface LocalTenantActions {
  /** The post-login flow, in the order Auth0 runs it. @default [] (every sign-in is allowed) */
  readonly postLogin?: BoundPostLoginAction | readonly BoundPostLoginAction[];
  /** The post-change-password flow, in order. @default [] */
  readonly postChangePassword?: BoundPostChangePasswordAction | readonly BoundPostChangePasswordAction[];
  /**
   * `event.secrets` of every bound Action, over the tenant's own `secrets` (`AUTH0_DOMAIN`,
   * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`), which the clearer needs. Copied.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
}

/** {@link LocalTenantActions}, checked, every module turned into the handler the runners take. */
export interface ResolvedActions {
  readonly postLogin: readonly PostLoginActionHandler[];
  readonly postChangePassword: readonly PostChangePasswordActionHandler[];
  readonly secrets: Readonly<Record<string, string | undefined>>;
}

/** Nothing bound: every sign-in is allowed, no password change runs anything. */
export const NO_ACTIONS: ResolvedActions = Object.freeze({ postLogin: [], postChangePassword: [], secrets: {} });

const KNOWN = ['postLogin', 'postChangePassword', 'secrets'];

/** A post-login module as a handler carrying its `onContinuePostLogin` (`this` kept); `undefined` if it is neither. */
function postLoginHandlerOf(bound: unknown): PostLoginActionHandler | undefined {
  if (typeof bound === 'function') return bound as PostLoginActionHandler;
  if (typeof bound !== 'object' || bound === null) return undefined;
  const module = bound as Partial<BoundPostLoginModule>;
  const { onExecutePostLogin, onContinuePostLogin } = module;
  if (typeof onExecutePostLogin !== 'function') return undefined;
  if (onContinuePostLogin !== undefined && typeof onContinuePostLogin !== 'function') return undefined;
  const execute: PostLoginActionHandler = (event, api) => onExecutePostLogin.call(module, event, api);
  if (onContinuePostLogin === undefined) return execute;
  const resume: PostLoginContinueActionHandler = (event, api) => onContinuePostLogin.call(module, event, api);
  return Object.assign(execute, { onContinuePostLogin: resume });
}

/** A post-change-password module as a handler (`this` kept); `undefined` if it is neither. */
function postChangePasswordHandlerOf(bound: unknown): PostChangePasswordActionHandler | undefined {
  if (typeof bound === 'function') return bound as PostChangePasswordActionHandler;
  if (typeof bound !== 'object' || bound === null) return undefined;
  const execute = (bound as Partial<BoundPostChangePasswordModule>).onExecutePostChangePassword;
  return typeof execute === 'function' ? (event, api) => execute.call(bound, event, api) : undefined;
}

/** What an Action of each trigger may be, and how it becomes the handler the runners take. */
const TRIGGERS = {
  postLogin: {
    convert: postLoginHandlerOf,
    expected: 'a function (event, api) => Promise<void>, such as the one createFirstLoginGate() returns, or an Action module with onExecutePostLogin (and optionally onContinuePostLogin)',
  },
  postChangePassword: {
    convert: postChangePasswordHandlerOf,
    expected: 'a function (event, api) => Promise<void>, such as the one createPasswordResetClearer() returns, or an Action module with onExecutePostChangePassword',
  },
} as const;

interface HandlerOf {
  postLogin: PostLoginActionHandler;
  postChangePassword: PostChangePasswordActionHandler;
}

/**
 * One Action or the Actions of a flow, in the order Auth0 runs them, each as a handler: a function, or a
 * module as `require('./actions/post-login.js')` gives it (the same rule for `bindActions`, `runLogin`
 * and `runPasswordChange`). An empty array is a flow with no Action bound. Throws a `TypeError` naming
 * `name` (with the index of the one that is neither).
 */
export function requireHandlers<Trigger extends keyof HandlerOf>(where: string, name: string, trigger: Trigger, value: unknown): HandlerOf[Trigger][] {
  const { convert, expected } = TRIGGERS[trigger];
  const list: readonly unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.map((bound, index) => {
    const handler = convert(bound) as HandlerOf[Trigger] | undefined;
    if (handler !== undefined) return handler;
    const what = Array.isArray(value) ? `"${name}[${index}]"` : `"${name}"`;
    throw testingTypeError(where, `${what} must be ${expected}, or an array of them (got ${describe(bound)})`);
  });
}

/**
 * Checks the Actions to bind and returns them as handlers. Throws a `TypeError` naming the option path;
 * never changes the caller's object, and never quotes a secret.
 */
export function resolveActions(where: string, path: string, actions: LocalTenantActions): ResolvedActions {
  if (!isPlainObject(actions)) throw testingTypeError(where, `"${path}" must be an object with postLogin, postChangePassword and secrets`);
  for (const key of Object.keys(actions)) {
    if (!KNOWN.includes(key)) throw testingTypeError(where, `unknown option "${path}.${key}"; the options are ${KNOWN.join(', ')}`);
  }
  const { postLogin, postChangePassword, secrets = {} } = actions;
  const loginHandlers = requireHandlers(where, `${path}.postLogin`, 'postLogin', postLogin);
  const changeHandlers = requireHandlers(where, `${path}.postChangePassword`, 'postChangePassword', postChangePassword);
  if (!isPlainObject(secrets) || !Object.values(secrets).every((value) => value === undefined || typeof value === 'string')) {
    throw testingTypeError(where, `"${path}.secrets" must be an object of secret name → string`);
  }
  const copied: Record<string, string | undefined> = { ...(secrets as Record<string, string | undefined>) };
  return Object.freeze({ postLogin: loginHandlers, postChangePassword: changeHandlers, secrets: Object.freeze(copied) });
}
