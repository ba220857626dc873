/**
 * Compile-only: the hand-written option interfaces (what users see in their editor) and the tables
 * of checks (what runs) must describe the same options. `OptionChecks<T>` demands one check per
 * option, no more, no less, each accepting exactly that option's type; `npm run typecheck` fails
 * when they drift. The `@ts-expect-error` lines prove the discipline bites.
 */
import { expectTypeOf } from 'vitest';
import {
  exemptChecks,
  firstLoginGateOptionChecks,
  maxPasswordAgeChecks,
  passwordsSetBeforeChecks,
  type ExemptOptions,
  type FirstLoginGateOptions,
  type MaxPasswordAgeOptions,
  type PasswordsSetBeforeOptions,
  type ResetEmailOptions,
} from '../../src/gate/options.js';
import { passwordResetClearerOptionChecks, type PasswordResetClearerOptions } from '../../src/clearer/options.js';
import { booleanCheck, flagCheck, integerCheck, type Check, type OptionChecks } from '../../src/internal/check-options.js';
import type { Auth0PasswordOptions } from '../../src/auth0/password-policy.js';
import { breachedPasswordsOptionChecks, type BreachedPasswordsOptions } from '../../src/password/breached-passwords.js';
import { auth0PasswordOptionsChecks } from '../../src/password/password-policy-option.js';
import { changePasswordPageOptionChecks, type ChangePasswordPageOptions } from '../../src/page/options.js';
import { localTenantActionsChecks, type LocalTenantActions } from '../../src/testing/local-tenant/bound-actions.js';
import {
  injectOptionChecks,
  rateLimitOptionChecks,
  serverErrorOptionChecks,
  type InjectOptions,
  type RateLimitOptions,
  type ServerErrorOptions,
} from '../../src/testing/local-tenant/fault-injector.js';
import { localApplicationOptionChecks, type LocalApplicationOptions } from '../../src/testing/local-tenant/local-application.js';
import {
  continueLoginOptionChecks,
  runLoginOptionChecks,
  type ContinueLoginOptions,
  type RunLoginOptions,
} from '../../src/testing/local-tenant/run-login.js';
import {
  redeemResetLinkOptionChecks,
  runPasswordChangeOptionChecks,
  type RunPasswordChangeOptions,
} from '../../src/testing/local-tenant/run-password-change.js';
import { localTenantClientChecks, localTenantOptionChecks, type LocalTenantOptions } from '../../src/testing/local-tenant/local-tenant-options.js';
import type { LocalTenantCore } from '../../src/testing/local-tenant/local-tenant.js';
import {
  postLoginApiOptionChecks,
  recordingApiOptionChecks,
  type PostLoginApiOptions,
  type RecordingApiOptions,
} from '../../src/testing/recording-api.js';
import {
  passwordChangeStatusOptionChecks,
  requirePasswordChangeOptionChecks,
  waivePasswordChangeOptionChecks,
  type PasswordChangeStatusOptions,
  type RequirePasswordChangeOptions,
  type WaivePasswordChangeOptions,
} from '../../src/admin/options.js';

// The tables are typed against the interfaces (this is what the build checks).
expectTypeOf(firstLoginGateOptionChecks).toEqualTypeOf<OptionChecks<FirstLoginGateOptions>>();
expectTypeOf(passwordResetClearerOptionChecks).toEqualTypeOf<OptionChecks<PasswordResetClearerOptions>>();
expectTypeOf<keyof typeof firstLoginGateOptionChecks>().toEqualTypeOf<keyof FirstLoginGateOptions>();
expectTypeOf<keyof typeof passwordResetClearerOptionChecks>().toEqualTypeOf<keyof PasswordResetClearerOptions>();
expectTypeOf(auth0PasswordOptionsChecks).toEqualTypeOf<OptionChecks<Auth0PasswordOptions>>();
expectTypeOf<keyof typeof auth0PasswordOptionsChecks>().toEqualTypeOf<keyof Auth0PasswordOptions>();
expectTypeOf(breachedPasswordsOptionChecks).toEqualTypeOf<OptionChecks<BreachedPasswordsOptions>>();
expectTypeOf<keyof typeof breachedPasswordsOptionChecks>().toEqualTypeOf<keyof BreachedPasswordsOptions>();
expectTypeOf(changePasswordPageOptionChecks).toEqualTypeOf<OptionChecks<ChangePasswordPageOptions>>();
expectTypeOf<keyof typeof changePasswordPageOptionChecks>().toEqualTypeOf<keyof ChangePasswordPageOptions>();
// The administrator tools.
expectTypeOf(requirePasswordChangeOptionChecks).toEqualTypeOf<OptionChecks<RequirePasswordChangeOptions>>();
expectTypeOf(waivePasswordChangeOptionChecks).toEqualTypeOf<OptionChecks<WaivePasswordChangeOptions>>();
expectTypeOf(passwordChangeStatusOptionChecks).toEqualTypeOf<OptionChecks<PasswordChangeStatusOptions>>();
expectTypeOf<keyof typeof requirePasswordChangeOptionChecks>().toEqualTypeOf<keyof RequirePasswordChangeOptions>();
expectTypeOf<keyof typeof passwordChangeStatusOptionChecks>().toEqualTypeOf<keyof PasswordChangeStatusOptions>();
// The testing toolkit.
expectTypeOf(localTenantOptionChecks).toEqualTypeOf<OptionChecks<LocalTenantOptions>>();
expectTypeOf<keyof typeof localTenantOptionChecks>().toEqualTypeOf<keyof LocalTenantOptions>();
expectTypeOf(localTenantClientChecks).toEqualTypeOf<OptionChecks<Parameters<LocalTenantCore['addClient']>[0]>>();
expectTypeOf(localTenantActionsChecks).toEqualTypeOf<OptionChecks<LocalTenantActions>>();
expectTypeOf(runLoginOptionChecks).returns.toEqualTypeOf<OptionChecks<RunLoginOptions>>();
expectTypeOf(continueLoginOptionChecks).returns.toEqualTypeOf<OptionChecks<ContinueLoginOptions>>();
expectTypeOf(runPasswordChangeOptionChecks).toEqualTypeOf<OptionChecks<RunPasswordChangeOptions>>();
expectTypeOf(redeemResetLinkOptionChecks).toEqualTypeOf<OptionChecks<Parameters<LocalTenantCore['redeemResetLink']>[3] & object>>();
expectTypeOf(injectOptionChecks).toEqualTypeOf<OptionChecks<InjectOptions>>();
expectTypeOf(rateLimitOptionChecks).toEqualTypeOf<OptionChecks<RateLimitOptions>>();
expectTypeOf(serverErrorOptionChecks).toEqualTypeOf<OptionChecks<ServerErrorOptions>>();
expectTypeOf(localApplicationOptionChecks).toEqualTypeOf<OptionChecks<LocalApplicationOptions>>();
expectTypeOf(recordingApiOptionChecks).toEqualTypeOf<OptionChecks<RecordingApiOptions>>();
expectTypeOf(postLoginApiOptionChecks).toEqualTypeOf<OptionChecks<PostLoginApiOptions>>();
expectTypeOf<keyof typeof postLoginApiOptionChecks>().toEqualTypeOf<keyof PostLoginApiOptions>();
// The gate's nested option objects, each with its own table.
expectTypeOf(passwordsSetBeforeChecks).toEqualTypeOf<OptionChecks<PasswordsSetBeforeOptions>>();
expectTypeOf(maxPasswordAgeChecks).toEqualTypeOf<OptionChecks<MaxPasswordAgeOptions>>();
expectTypeOf(exemptChecks).toEqualTypeOf<OptionChecks<ExemptOptions>>();
expectTypeOf<keyof typeof maxPasswordAgeChecks>().toEqualTypeOf<'days' | 'warnDays'>();
expectTypeOf<keyof typeof passwordsSetBeforeChecks>().toEqualTypeOf<'at' | 'graceDays'>();
// A required option (`days`, `at`) needs a required check: a plain one does not compile.
// @ts-expect-error — `days` is required by MaxPasswordAgeOptions: its check must say what to give
const optionalDays: OptionChecks<MaxPasswordAgeOptions> = { days: integerCheck(1, 2, ''), warnDays: integerCheck(1, 2, '') };
void optionalDays;

// A table that forgets an option does not compile…
// @ts-expect-error — `timeoutMs` has no check
const missing: OptionChecks<ResetEmailOptions> = { cooldownMinutes: integerCheck(1, 2, '') };
// …nor one with an option the interface lacks…
const extra: OptionChecks<ResetEmailOptions> = {
  cooldownMinutes: integerCheck(1, 2, ''),
  timeoutMs: integerCheck(1, 2, ''),
  // @ts-expect-error — not an option of ResetEmailOptions
  retries: integerCheck(1, 2, ''),
};
// …nor one whose check accepts another type than the option's.
const wrongType: OptionChecks<ResetEmailOptions> = {
  // @ts-expect-error — a boolean check for a number option
  cooldownMinutes: booleanCheck,
  timeoutMs: integerCheck(1, 2, ''),
};
// A check is invariant in what it accepts: narrower is as wrong as wider.
// @ts-expect-error — Check<string> is not Check<'a' | 'b'>
const narrower: Check<'a' | 'b'> = flagCheck;
void [missing, extra, wrongType, narrower];
