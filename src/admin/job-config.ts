import { OptionsError } from '../errors/options-error.js';
import { checkOptions, type OptionChecks } from '../internal/check-options.js';
import { DOMAIN_EXPECTED, parseTenantDomain, type TenantDomain } from '../management/domain.js';
import {
  DEFAULT_FLAG,
  obligationKeys,
  tenantWideRulesFrom,
  type ObligationKeys,
  type TenantWideRules,
} from '../obligation/obligation.js';
import {
  passwordChangeStatusOptionChecks,
  requirePasswordChangeOptionChecks,
  waivePasswordChangeOptionChecks,
  type AdminConnectionOptions,
  type PasswordChangeAdminOptions,
  type PasswordChangeStatusOptions,
  type RequirePasswordChangeOptions,
} from './options.js';
import { toIsoInstant, type IsoInstant } from '../obligation/time.js';
import type { PasswordChangeAction } from './report.js';

/** The public functions, as named in messages. */
export type AdminCaller = 'requirePasswordChange' | 'waivePasswordChange' | 'passwordChangeStatus';

/** Auth0 fails an export job after 8 hours: waiting longer is pointless. */
const DEFAULT_EXPORT_TIMEOUT_MS = 8 * 60 * 60 * 1000;

/** What every administrator tool works with, checked, with defaults applied. */
export interface AdminConnectionConfig {
  readonly caller: AdminCaller;
  readonly domain: TenantDomain;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly keys: ObligationKeys;
  readonly rate: number;
  readonly transport: typeof globalThis.fetch;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly signal: AbortSignal | undefined;
  readonly exportTimeoutMs: number;
  readonly onExport: AdminConnectionOptions['onExport'];
  readonly onWait: AdminConnectionOptions['onWait'];
}

/** Which users a run acts on. */
export type JobSelection =
  | { readonly kind: 'ids'; readonly userIds: readonly string[] }
  | { readonly kind: 'query'; readonly query: string }
  /** A users export: every user, or those of one connection (`undefined`: every connection). */
  | { readonly kind: 'export'; readonly connection: string | undefined };

/** A run's options, checked, with defaults applied. */
export interface PasswordChangeJobConfig extends AdminConnectionConfig {
  readonly caller: Exclude<AdminCaller, 'passwordChangeStatus'>;
  readonly action: PasswordChangeAction;
  readonly selection: JobSelection;
  readonly temporaryPassword: string | undefined;
  /** `skipWaivedSince`, as an instant; `undefined` for a waive, or when not given. */
  readonly skipWaivedSince: IsoInstant | undefined;
  /** `revokeSessions`: each user's sessions and refresh tokens are ended too. */
  readonly revokeSessions: boolean;
  readonly dryRun: boolean;
  readonly exclude: ReadonlySet<string>;
  /** Users in flight at once. */
  readonly concurrency: number;
  readonly onStart: PasswordChangeAdminOptions['onStart'];
  readonly onUser: PasswordChangeAdminOptions['onUser'];
}

/** A status's options, checked, with defaults applied. */
export interface StatusConfig extends AdminConnectionConfig {
  readonly caller: 'passwordChangeStatus';
  readonly connection: string | undefined;
  /** The gate's tenant-wide rules, as the gate resolves them; `undefined` when none is given. */
  readonly rules: TenantWideRules | undefined;
  /** The rules as given, for the report. */
  readonly policyOptions: Pick<PasswordChangeStatusOptions, 'passwordsSetBefore' | 'maxPasswordAgeDays'>;
}

/**
 * Checks the options of a tool (every problem named, no secret quoted) and reads the domain, which
 * the checks have found readable.
 */
function parseCommon<Parsed extends AdminConnectionOptions>(caller: AdminCaller, checks: OptionChecks<Parsed>, options: unknown): { parsed: Parsed; domain: TenantDomain } {
  const parsed = checkOptions(caller, checks, options);
  const domain = parseTenantDomain(parsed.domain);
  if ('problem' in domain) {
    // Not reached (the domain's check reports every problem), but a domain is never used unread.
    throw new OptionsError(caller, [{ code: 'custom', path: 'options.domain', expected: `${domain.problem}: it must be ${DOMAIN_EXPECTED}` }]);
  }
  return { parsed, domain };
}

function connectionConfig<Caller extends AdminCaller>(caller: Caller, parsed: AdminConnectionOptions, domain: TenantDomain): AdminConnectionConfig & { readonly caller: Caller } {
  const {
    flag = DEFAULT_FLAG,
    rate = 2,
    fetch: transport = globalThis.fetch,
    requestTimeoutMs = 10_000,
    maxAttempts = 5,
    exportTimeoutMs = DEFAULT_EXPORT_TIMEOUT_MS,
  } = parsed;
  return {
    caller,
    domain,
    clientId: parsed.clientId,
    clientSecret: parsed.clientSecret,
    keys: obligationKeys(flag),
    rate,
    transport,
    requestTimeoutMs,
    maxAttempts,
    signal: parsed.signal,
    exportTimeoutMs,
    onExport: parsed.onExport,
    onWait: parsed.onWait,
  };
}

/**
 * Enough users in flight to reach `rate` when each request takes up to 200 ms (a tenant on another
 * continent): one at 2 requests per second, four at 16.
 */
export const defaultConcurrency = (rate: number): number => Math.max(1, Math.ceil(rate / 5));

function selectionOf(users: RequirePasswordChangeOptions['users']): JobSelection {
  if (typeof users === 'string') return { kind: 'ids', userIds: [users] };
  if ('query' in users) return { kind: 'query', query: users.query };
  if ('all' in users) return { kind: 'export', connection: undefined };
  if ('connection' in users) return { kind: 'export', connection: users.connection };
  return { kind: 'ids', userIds: [...new Set(users)] };
}

/**
 * Checks the options of {@link requirePasswordChange} or {@link waivePasswordChange} once, before
 * any request, and applies the defaults. Throws an {@link OptionsError} naming every problem.
 */
export function resolveJobConfig(caller: 'requirePasswordChange' | 'waivePasswordChange', options: unknown): PasswordChangeJobConfig {
  // A waive's table lacks the options only a requirement takes: they are refused as unknown.
  const { parsed, domain }: { parsed: RequirePasswordChangeOptions; domain: TenantDomain } =
    caller === 'requirePasswordChange'
      ? parseCommon(caller, requirePasswordChangeOptionChecks, options)
      : parseCommon(caller, waivePasswordChangeOptionChecks, options);
  const connection = connectionConfig(caller, parsed, domain);
  const { users, dryRun = false, exclude = [], concurrency = defaultConcurrency(connection.rate) } = parsed;
  return {
    ...connection,
    concurrency,
    action: caller === 'requirePasswordChange' ? 'require' : 'waive',
    selection: selectionOf(users),
    temporaryPassword: parsed.temporaryPassword,
    skipWaivedSince: toIsoInstant(parsed.skipWaivedSince),
    revokeSessions: parsed.revokeSessions === true,
    dryRun,
    exclude: new Set(exclude),
    onStart: parsed.onStart,
    onUser: parsed.onUser,
  };
}

/** Checks the options of {@link passwordChangeStatus} once, before any request. */
export function resolveStatusConfig(options: unknown): StatusConfig {
  const caller = 'passwordChangeStatus';
  const { parsed, domain } = parseCommon(caller, passwordChangeStatusOptionChecks, options);
  const { passwordsSetBefore, maxPasswordAgeDays } = parsed;
  return {
    ...connectionConfig(caller, parsed, domain),
    connection: parsed.connection,
    rules: tenantWideRulesFrom({ passwordsSetBefore, maxPasswordAgeDays }),
    policyOptions: {
      ...(passwordsSetBefore === undefined ? {} : { passwordsSetBefore }),
      ...(maxPasswordAgeDays === undefined ? {} : { maxPasswordAgeDays }),
    },
  };
}
