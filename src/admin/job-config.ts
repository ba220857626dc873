import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { DEFAULT_FLAG } from '../gate/options.js';
import { parseOptions } from '../internal/parse-options.js';
import {
  requirePasswordChangeOptionsSchema,
  waivePasswordChangeOptionsSchema,
  type PasswordChangeAdminOptions,
  type RequirePasswordChangeOptions,
} from './options.js';
import type { PasswordChangeAction } from './report.js';
import { normalizeDomain } from '../management/domain.js';

/** The public functions, as named in messages. */
export type AdminCaller = 'requirePasswordChange' | 'waivePasswordChange';

/** A run's options, checked, with defaults applied. */
export interface PasswordChangeJobConfig {
  readonly caller: AdminCaller;
  readonly action: PasswordChangeAction;
  readonly domain: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly selection: { readonly userIds: readonly string[] } | { readonly query: string };
  readonly flag: string;
  readonly flaggedAtKey: string;
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
  if (issues.length > 0) {
    const described = issues.map((issue) => `"${issue.path}" ${issue.expected}`).join('; ');
    throw new OptionsError(`${caller}: ${described}`, issues);
  }
  const schema = caller === 'requirePasswordChange' ? requirePasswordChangeOptionsSchema : waivePasswordChangeOptionsSchema;
  // Not an object: parseOptions says so. Undefined: parsed as {}, so every required option is named.
  const parsed = parseOptions(caller, schema, options) as RequirePasswordChangeOptions;
  const domain = normalizeDomain(parsed.domain);
  if (domain === undefined) {
    const issue: OptionsIssue = {
      code: 'invalid_format',
      path: 'options.domain',
      expected: `must be the tenant's canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; no path) (got ${JSON.stringify(parsed.domain.slice(0, 60))})`,
    };
    throw new OptionsError(`${caller}: "${issue.path}" ${issue.expected}`, [issue]);
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
    flag,
    flaggedAtKey: `${flag}At`,
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
