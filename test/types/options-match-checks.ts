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
