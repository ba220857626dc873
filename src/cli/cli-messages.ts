import { ManagementApiError, type UnreachableHost } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { escapeControlCharacters } from '../internal/control-characters.js';

/** The exit codes a script can rely on. */
export const EXIT_CODES = {
  /** Every user done or skipped (or none selected); a status printed. */
  ok: 0,
  /** At least one user failed (the others were processed), or an export failed. */
  someFailed: 1,
  /** Bad usage or input: nothing was changed. */
  usage: 2,
  /** No token (wrong credentials, wrong domain), or the API refused it. */
  authentication: 3,
  /** The tenant (or the export's download host) cannot be reached at all: DNS, TLS or connection. */
  unreachable: 4,
  /**
   * The tenant's plan does not offer what the run asked for: `--revoke-sessions` on a plan other
   * than Enterprise. Found before the first user (nothing was changed) unless Auth0 said so later.
   */
  notOnPlan: 5,
  /** Stopped by Ctrl-C (SIGINT) after the user in progress. */
  interrupted: 130,
} as const;

/** The tool's names for the options of `/admin` that it fills in. */
const CLI_NAMES: Readonly<Record<string, string>> = {
  'options.users.query': '--query',
  'options.users.connection': '--connection',
  'options.connection': '--connection',
  'options.flag': '--flag',
  'options.rate': '--rate',
  'options.domain': 'AUTH0_DOMAIN',
  'options.clientId': 'AUTH0_CLIENT_ID',
  'options.clientSecret': 'AUTH0_CLIENT_SECRET',
  'options.temporaryPassword': 'the temporary password',
  'options.passwordsSetBefore': '--passwords-set-before',
  'options.skipWaivedSince': '--skip-waived-since',
  'options.maxPasswordAgeDays': '--max-password-age-days',
};

/**
 * A library error as the tool shows it, rendered from its fields: without the library's prefix and
 * the function's name (noise on a terminal), and with option paths named as the tool's inputs.
 */
export function plainMessage(error: OptionsError | ManagementApiError): string {
  if (error instanceof OptionsError) {
    return escapeControlCharacters(error.issues.map((issue) => `${CLI_NAMES[issue.path] ?? `"${issue.path}"`} ${issue.expected}`).join('; '));
  }
  // Ids and a server's words are in it: no control character of theirs reaches the terminal.
  return escapeControlCharacters(error.detail);
}

const UNREACHABLE_TEXT: Readonly<Record<UnreachableHost['kind'], string>> = {
  dns: 'its name does not resolve',
  tls: 'its TLS certificate was refused',
  connection: 'nothing accepts the connection',
};

/** `cannot reach acme.eu.auth0.com: its name does not resolve (ENOTFOUND) — …`, from the error's fields. */
export function unreachableMessage({ host, kind, code }: UnreachableHost, step: ManagementApiError['step'], what: string): string {
  const shown = escapeControlCharacters(host);
  const where = step === 'download export' ? `${shown} (the users export's download host)` : shown;
  const check = step === 'download export' ? 'check this machine\'s network, proxy and firewall' : 'check AUTH0_DOMAIN, and this machine\'s network, proxy and firewall';
  return `cannot reach ${where}: ${UNREACHABLE_TEXT[kind]} (${code}); ${what} — ${check}`;
}

/** The exit code of a Management API failure that stopped a run or a status. */
export function exitCodeOf(error: ManagementApiError): number {
  if (error.unreachable !== undefined) return EXIT_CODES.unreachable;
  if (error.step === 'get token') return EXIT_CODES.authentication;
  // A 403 naming a scope is a grant to fix; any other 403 to a revocation is the plan's.
  if (error.step === 'revoke sessions' && error.status === 403) return error.requiredScopes === undefined ? EXIT_CODES.notOnPlan : EXIT_CODES.authentication;
  if ((error.step === 'search users' || error.step === 'export users') && (error.status === 401 || error.status === 403)) return EXIT_CODES.authentication;
  if (error.step === 'search users' && error.status === 400) return EXIT_CODES.usage;
  return EXIT_CODES.someFailed;
}
