/**
 * Compile-only: every error class of the library has its `name` as a literal, so code can tell the
 * errors apart by `name` (which, unlike `instanceof`, holds across the copies each entry carries).
 * (Run by `npm run typecheck`.)
 */
import { expectTypeOf } from 'vitest';
import {
  ForcePasswordResetError,
  InvalidEventError,
  ManagementApiError,
  OptionsError,
  SecretsError,
  isForcePasswordResetError,
} from '../../src/index.js';

expectTypeOf<OptionsError['name']>().toEqualTypeOf<'OptionsError'>();
expectTypeOf<SecretsError['name']>().toEqualTypeOf<'SecretsError'>();
expectTypeOf<InvalidEventError['name']>().toEqualTypeOf<'InvalidEventError'>();
expectTypeOf<ManagementApiError['name']>().toEqualTypeOf<'ManagementApiError'>();
expectTypeOf<ForcePasswordResetError['name']>().toEqualTypeOf<
  'ForcePasswordResetError' | 'OptionsError' | 'SecretsError' | 'InvalidEventError' | 'ManagementApiError'
>();

/** What a caller does with an error of this library, by its name: every case is one of ours. */
export function describe(error: unknown): string {
  if (!isForcePasswordResetError(error)) return 'not ours';
  switch (error.name) {
    case 'OptionsError':
    case 'SecretsError':
    case 'InvalidEventError':
    case 'ManagementApiError':
    case 'ForcePasswordResetError':
      return error.name;
    // @ts-expect-error no error of this library has another name
    case 'TypeError':
      return 'impossible';
  }
}
