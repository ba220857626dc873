import { checkFields, type Check, type OptionChecks } from '../../internal/check-options.js';
import { secretsCheck } from './trigger-context.js';
import type { PostChangePasswordApi, PostChangePasswordEvent } from '../../auth0/post-change-password.js';
import type { PostLoginApi, PostLoginEvent } from '../../auth0/post-login.js';

/**
 * `exports.onContinuePostLogin` as the local tenant runs it. Handlers that return nothing are accepted too.
 *
 * @example
 * ```ts
 * const onContinuePostLogin = (event: PostLoginEvent, api: PostLoginApi) => {
 *   const claims = api.redirect.validateToken({ secret: event.secrets['PAGE_SECRET'] ?? '' });
 *   if (claims['accepted'] !== true) api.access.deny('Terms not accepted');
 * };
 * ```
 */
export type PostLoginContinueActionHandler = (event: PostLoginEvent, api: PostLoginApi) => Promise<void> | void;

/**
 * A post-login Action handler as `runLogin` runs it: `exports.onExecutePostLogin`. Handlers that return
 * nothing are accepted too. An Action that redirects gives its handler its `onContinuePostLogin` as a
 * property (the gate's handler carries one), which {@link LocalTenantCore.continueLogin} runs.
 *
 * @example
 * ```ts
 * const addRoles = (event: PostLoginEvent, api: PostLoginApi) => {
 *   api.idToken.setCustomClaim('https://acme.example/roles', event.authorization?.roles ?? []);
 * };
 * const termsAction = Object.assign(onExecutePostLogin, { onContinuePostLogin });
 * await tenant.runLogin(user.user_id, [addRoles, termsAction]);
 * ```
 */
export type PostLoginActionHandler = ((event: PostLoginEvent, api: PostLoginApi) => Promise<void> | void) & {
  readonly onContinuePostLogin?: PostLoginContinueActionHandler;
};

/**
 * One post-login Action, or the Actions of a post-login flow in the order Auth0 runs them: each a handler
 * or a module as its file exports it (`require('./actions/post-login.js')`), as `bindActions` takes them.
 *
 * @example
 * ```ts
 * const flow: PostLoginHandlers = [gate, addRoles]; // in the order Auth0 runs them
 * await tenant.runLogin(user.user_id, flow);
 * await tenant.runLogin(user.user_id, require('./actions/post-login.js'));
 * ```
 */
export type PostLoginHandlers = BoundPostLoginAction | readonly BoundPostLoginAction[];

/**
 * A post-change-password Action handler as `runPasswordChange` runs it:
 * `exports.onExecutePostChangePassword`. Handlers that return nothing are accepted too.
 *
 * @example
 * ```ts
 * const recordChange = (event: PostChangePasswordEvent) => {
 *   console.log(event.user.user_id);
 * };
 * ```
 */
export type PostChangePasswordActionHandler = (
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
) => Promise<void> | void;

/**
 * One post-change-password Action, or the Actions of the flow in the order Auth0 runs them: each a
 * handler or a module as its file exports it (`require('./actions/post-change-password.js')`).
 *
 * @example
 * ```ts
 * const flow: PostChangePasswordHandlers = [clearer, recordChange]; // in the order Auth0 runs them
 * ```
 */
export type PostChangePasswordHandlers = BoundPostChangePasswordAction | readonly BoundPostChangePasswordAction[];

/**
 * A post-login Action as its file exports it: `exports.onExecutePostLogin` and, for an Action that
 * redirects, `exports.onContinuePostLogin` — what `require('./actions/post-login.js')` gives.
 *
 * @example
 * ```ts
 * const gate = createFirstLoginGate({ changePasswordPage: { url: page.url } });
 * await tenant.runLogin(user.user_id, { onExecutePostLogin: gate, onContinuePostLogin: gate.onContinuePostLogin });
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
 * tenant.bindActions({ postChangePassword: { onExecutePostChangePassword: createPasswordResetClearer() } });
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
 * await tenant.runLogin(user.user_id, require('./actions/post-login.js'));
 * ```
 */
export type BoundPostLoginAction = PostLoginActionHandler | BoundPostLoginModule;

/**
 * One bound post-change-password Action: a handler or a module.
 *
 * @example
 * ```ts
 * tenant.runPasswordChange(user.user_id, 'A-new-passw0rd!', createPasswordResetClearer());
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

/** What `handlers` (or `postLogin`, `postChangePassword`) of each trigger may be. */
interface HandlersOf {
  postLogin: BoundPostLoginAction | readonly BoundPostLoginAction[];
  postChangePassword: BoundPostChangePasswordAction | readonly BoundPostChangePasswordAction[];
}

/**
 * The check of one Action or the Actions of a flow, in the order Auth0 runs them: each a function, or a
 * module as `require('./actions/post-login.js')` gives it (the same rule for `bindActions`, `runLogin`
 * and `runPasswordChange`). An empty array is a flow with no Action bound. Each one that is neither
 * is reported, by its index in an array.
 */
export function handlersCheck<Trigger extends keyof HandlerOf>(trigger: Trigger): Check<HandlersOf[Trigger]> {
  const { convert, expected } = TRIGGERS[trigger];
  const problem = `must be ${expected}, or an array of them`;
  return (value, report) => {
    if (!Array.isArray(value)) {
      if (convert(value) === undefined) report(problem, value);
      return;
    }
    value.forEach((bound, index) => {
      if (convert(bound) === undefined) report(problem, bound, [index]);
    });
  };
}

/** Handlers checked by {@link handlersCheck}, each as the runners take it. */
export function toHandlers<Trigger extends keyof HandlerOf>(trigger: Trigger, value: HandlersOf[Trigger] | undefined): HandlerOf[Trigger][] {
  const list: readonly unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  // Checked already: every one converts.
  return list.map((bound) => TRIGGERS[trigger].convert(bound) as HandlerOf[Trigger]);
}

/** The checks of {@link LocalTenantActions}: one per option, typed against the interface. */
export const localTenantActionsChecks: OptionChecks<LocalTenantActions> = {
  postLogin: handlersCheck('postLogin'),
  postChangePassword: handlersCheck('postChangePassword'),
  secrets: secretsCheck,
};

/** The Actions to bind, as `startLocalTenant`'s `actions` and `bindActions` take them. */
export const actionsCheck: Check<LocalTenantActions> = (value, report) =>
  void checkFields(value, report, localTenantActionsChecks, 'must be an object with postLogin, postChangePassword and secrets');

/**
 * The Actions to bind, checked by {@link actionsCheck}, as handlers; the secrets copied, so that
 * changing the caller's object later changes nothing.
 */
export function resolveActions(actions: LocalTenantActions): ResolvedActions {
  const { postLogin, postChangePassword, secrets = {} } = actions;
  return Object.freeze({
    postLogin: toHandlers('postLogin', postLogin),
    postChangePassword: toHandlers('postChangePassword', postChangePassword),
    secrets: Object.freeze({ ...secrets }),
  });
}
