/**
 * Compile-only: the hand-written option interfaces (what users see in their editor) and the zod
 * schemas (what runs) must describe the same options. `npm run typecheck` fails when they drift.
 */
import { expectTypeOf } from 'vitest';
import type * as z from 'zod/mini';
import { firstLoginGateOptionsSchema, type FirstLoginGateOptions } from '../../src/gate/options.js';
import {
  passwordResetClearerOptionsSchema,
  type PasswordResetClearerOptions,
} from '../../src/clearer/options.js';

/** The schema's input, with `connections` readonly as the interface promises. */
type GateSchema = {
  [K in keyof z.input<typeof firstLoginGateOptionsSchema>]: K extends 'connections'
    ? readonly string[] | undefined
    : z.input<typeof firstLoginGateOptionsSchema>[K];
};
type ClearerSchema = z.input<typeof passwordResetClearerOptionsSchema>;
/** Each property without `undefined`, for a like-for-like comparison under exactOptionalPropertyTypes. */
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

// The same option names, no more, no less.
expectTypeOf<keyof FirstLoginGateOptions>().toEqualTypeOf<keyof GateSchema>();
expectTypeOf<keyof PasswordResetClearerOptions>().toEqualTypeOf<keyof ClearerSchema>();

// Everything the interfaces allow, the schemas accept.
expectTypeOf<FirstLoginGateOptions>().toExtend<GateSchema>();
expectTypeOf<PasswordResetClearerOptions>().toExtend<ClearerSchema>();

// And property by property the types agree, `message` included.
expectTypeOf<Defined<FirstLoginGateOptions>>().toEqualTypeOf<Defined<GateSchema>>();
expectTypeOf<Defined<Omit<PasswordResetClearerOptions, 'secrets'>>>().toEqualTypeOf<
  Defined<Omit<ClearerSchema, 'secrets'>>
>();
expectTypeOf<Defined<Defined<PasswordResetClearerOptions>['secrets']>>().toEqualTypeOf<
  Defined<Defined<ClearerSchema>['secrets']>
>();
