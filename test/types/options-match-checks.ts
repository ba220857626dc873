/**
 * Compile-only: the hand-written option interfaces (what users see in their editor) and the tables
 * of checks (what runs) must describe the same options. `OptionChecks<T>` demands one check per
 * option, no more, no less, each accepting exactly that option's type; `npm run typecheck` fails
 * when they drift. The `@ts-expect-error` lines prove the discipline bites.
 */
import { expectTypeOf } from 'vitest';
import { firstLoginGateOptionChecks, type FirstLoginGateOptions, type ResetEmailOptions } from '../../src/gate/options.js';
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
