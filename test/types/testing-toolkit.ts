/**
 * Compile-only: the `/testing` entry as a test author uses it. (Run by `npm run typecheck`.)
 */
import { expectTypeOf } from 'vitest';
import type { PasswordStrength } from '../../src/auth0/index.js';
import type { PostChangePasswordApi, PostLoginApi } from '../../src/index.js';
import {
  buildPostLoginEvent,
  createPostChangePasswordApi,
  createPostLoginApi,
  startLocalTenant,
  type LocalApplication,
  type LocalTenant,
  type LocalTenantOptions,
  type LoginOutcome,
  type RecordedRedirect,
  type RecordingPostLoginApi,
  type TenantUser,
} from '../../src/testing/index.js';

export async function usage(): Promise<void> {
  // This repo's lib (with @types/node) has Symbol.asyncDispose: `await using` works.
  await using tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
  expectTypeOf(tenant[Symbol.asyncDispose]).toEqualTypeOf<() => Promise<void>>();
  expectTypeOf(tenant.handle).toEqualTypeOf<(request: Request) => Promise<Response>>();

  // Recording apis stand where Auth0's do, and expose what a test asserts on.
  const api = createPostLoginApi({ event: buildPostLoginEvent(), fetch: tenant.fetch });
  expectTypeOf(api).toMatchTypeOf<PostLoginApi>();
  expectTypeOf(createPostChangePasswordApi()).toMatchTypeOf<PostChangePasswordApi>();
  expectTypeOf(api.redirectedTo).toEqualTypeOf<RecordedRedirect | undefined>();

  tenant.connections.add({ name: 'staff', strategy: 'auth0', passwordPolicy: 'excellent', minLength: 12, passwordHistorySize: 5 });
  expectTypeOf(tenant.connections.passwordPolicyOf('staff')?.passwordPolicy).toEqualTypeOf<PasswordStrength | undefined>();
  // Auth0's Flexible Password Policy, as the Management API shapes it.
  tenant.connections.add({ name: 'flex', strategy: 'auth0', passwordOptions: { password_options: { complexity: { min_length: 12, character_type_rule: 'three_of_four' }, dictionary: { active: true, default: 'en_100k' } } } });
  expectTypeOf(tenant.connections.passwordOptionsOf('flex')?.password_options?.history).toEqualTypeOf<{ active?: boolean; size?: number } | undefined>();
  tenant.users.create({ email: 'grace@example.com', name: 'Grace Hopper', username: 'grace' });

  const outcome: LoginOutcome = await tenant.runLogin(tenant.users.create().user_id, async () => {});
  expectTypeOf(outcome.redirect).toEqualTypeOf<RecordedRedirect | undefined>();
}

export async function misuse(tenant: LocalTenant): Promise<void> {
  // @ts-expect-error the tenant follows the system clock: move it with the test runner's fake clock
  await startLocalTenant({ now: () => 0 });
  // @ts-expect-error not one of Auth0's levels
  tenant.connections.add({ name: 'db', strategy: 'auth0', passwordPolicy: 'strong' });
  // @ts-expect-error not one of Auth0's dictionaries
  tenant.connections.setPasswordOptions('db', { password_options: { dictionary: { default: 'en_1m' } } });
  // @ts-expect-error the recording api's records are read-only
  createPostLoginApi().denials = [];
}

// The names /testing no longer exports are reached through the types it does (docs/upgrading.md lists
// each): the replacements the upgrade notes give are real types, with the members a test reads.
export function replacements(tenant: LocalTenant, api: RecordingPostLoginApi, outcome: LoginOutcome, user: TenantUser): void {
  expectTypeOf(tenant.requests[0]!).toEqualTypeOf<LocalTenant['requests'][number]>();
  expectTypeOf<LocalTenant['requests'][number]['auth']>().toEqualTypeOf<'none' | 'valid' | 'invalid'>();
  expectTypeOf<ReturnType<LocalTenant['counts']>['getUser']>().toBeNumber();
  expectTypeOf<Parameters<LocalTenant['faults']['inject']>[0]>().toMatchTypeOf<string>();
  expectTypeOf<Parameters<LocalTenant['faults']['rateLimit']>[1]>().toMatchTypeOf<{ times?: number } | undefined>();
  expectTypeOf<LocalTenant['resetEmails'][number]['link']>().toBeString();
  expectTypeOf<ReturnType<LocalTenant['connections']['add']>['strategy']>().toBeString();
  expectTypeOf<Parameters<LocalTenant['connections']['add']>[0]['name']>().toBeString();
  expectTypeOf<ReturnType<LocalTenant['sessions']['create']>['user_id']>().toBeString();
  expectTypeOf<ReturnType<LocalTenant['addClient']>['clientSecret']>().toBeString();
  expectTypeOf<LocalTenant['secrets']['AUTH0_DOMAIN']>().toBeString();
  expectTypeOf<NonNullable<LocalTenantOptions['plan']>>().toMatchTypeOf<string>();
  expectTypeOf<LocalApplication['signIns'][number]['sub']>().toBeString();
  expectTypeOf(api.blockedRequests[0]!.url).toBeString();
  expectTypeOf(api.appMetadataWrites[0]![0]).toBeString();
  expectTypeOf(outcome.appMetadataWrites).toEqualTypeOf(api.appMetadataWrites);
  expectTypeOf(user.identities[0]!.provider).toBeString();
}
