import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { parseOptions } from '../internal/parse-options.js';
import { DOMAIN_EXPECTED, parseTenantDomain, type TenantDomain } from '../management/domain.js';
import { DEFAULT_FLAG, obligationKeys, type ObligationKeys } from '../obligation/obligation.js';
import {
  requirePasswordChangeOptionsSchema,
  waivePasswordChangeOptionsSchema,
  type PasswordChangeAdminOptions,
  type RequirePasswordChangeOptions,
} from './options.js';
import type { PasswordChangeAction } from './report.js';

/** The public functions, as named in messages. */
export type AdminCaller = 'requirePasswordChange' | 'waivePasswordChange';

/** A run's options, checked, with defaults applied. */
export interface PasswordChangeJobConfig {
  readonly caller: AdminCaller;
  readonly action: PasswordChangeAction;
  readonly domain: TenantDomain;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly selection: { readonly userIds: readonly string[] } | { readonly query: string };
  readonly keys: ObligationKeys;
  readonly temporaryPassword: string | undefined;
  readonly dryRun: boolean;
  readonly exclude: ReadonlySet<string>;
  readonly rate: number;
  readonly transport: typeof globalThis.fetch;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly signal: AbortSignal | undefined;
  readonly onStart: PasswordChangeAdminOptions['onStart'];
  readonly onUser: PasswordChangeAdminOptions['onUser'];
}

const SECRET_OPTIONS = ['clientSecret', 'temporaryPassword'] as const;

/**
 * The secrets are checked apart from the schema: a schema message quotes the rejected value, and
 * these must never be quoted, not even when they are of the wrong type.
 */
function secretIssues(caller: AdminCaller, options: Record<string, unknown>): OptionsIssue[] {
  const issues: OptionsIssue[] = [];
  for (const key of SECRET_OPTIONS) {
    if (key === 'temporaryPassword' && caller === 'waivePasswordChange') continue;
    const value = options[key];
    if (value === undefined && key === 'temporaryPassword') continue;
    if (typeof value !== 'string' || value.length === 0) {
      const expected =
        value === undefined ? 'is required: a non-empty string' : 'must be a non-empty string (the value is not shown)';
      issues.push({ code: value === undefined ? 'invalid_type' : 'invalid_value', path: `options.${key}`, expected });
    }
  }
  return issues;
}

/**
 * Checks the options of {@link requirePasswordChange} or {@link waivePasswordChange} once, before
 * any request, and applies the defaults. Throws an {@link OptionsError} naming every problem.
 */
export function resolveJobConfig(caller: AdminCaller, options: unknown): PasswordChangeJobConfig {
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const issues = isObject ? secretIssues(caller, options as Record<string, unknown>) : [];
  if (issues.length > 0) throw new OptionsError(caller, issues);
  const schema = caller === 'requirePasswordChange' ? requirePasswordChangeOptionsSchema : waivePasswordChangeOptionsSchema;
  // Not an object: parseOptions says so. Undefined: parsed as {}, so every required option is named.
  const parsed = parseOptions(caller, schema, options) as RequirePasswordChangeOptions;
  const domain = parseTenantDomain(parsed.domain);
  if ('problem' in domain) {
    // Never quoted: swapped environment variables put the client secret here.
    const expected = `${domain.problem}: it must be ${DOMAIN_EXPECTED}`;
    throw new OptionsError(caller, [{ code: 'invalid_format', path: 'options.domain', expected }]);
  }
  const {
    users,
    flag = DEFAULT_FLAG,
    dryRun = false,
    exclude = [],
    rate = 2,
    fetch: transport = globalThis.fetch,
    requestTimeoutMs = 10_000,
    maxAttempts = 5,
  } = parsed;
  return {
    caller,
    action: caller === 'requirePasswordChange' ? 'require' : 'waive',
    domain,
    clientId: parsed.clientId,
    clientSecret: parsed.clientSecret,
    selection:
      typeof users === 'string'
        ? { userIds: [users] }
        : 'query' in users
          ? { query: users.query }
          : { userIds: [...new Set(users)] },
    keys: obligationKeys(flag),
    temporaryPassword: parsed.temporaryPassword,
    dryRun,
    exclude: new Set(exclude),
    rate,
    transport,
    requestTimeoutMs,
    maxAttempts,
    signal: parsed.signal,
    onStart: parsed.onStart,
    onUser: parsed.onUser,
  };
}
