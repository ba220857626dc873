import { isUserId } from '../admin/options.js';

/** The tool's commands. */
export type CliCommand = 'require-change' | 'waive';

/** A command line that asks for a run. */
export interface RunArguments {
  readonly command: CliCommand;
  /** User ids given as arguments. */
  readonly userIds: readonly string[];
  readonly file: string | undefined;
  readonly query: string | undefined;
  readonly flag: string | undefined;
  /** The name of the environment variable holding the temporary password — never the password. */
  readonly temporaryPasswordEnv: string | undefined;
  readonly dryRun: boolean;
  readonly rate: number | undefined;
  readonly state: string | undefined;
  readonly json: boolean;
}

export type CommandLine =
  | { readonly kind: 'run'; readonly run: RunArguments }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** A command line the tool refuses; the message says what to do instead. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

export const USAGE = `Usage: auth0-force-password-reset <command> [user ids…] [options]

Commands:
  require-change   require a password change at the next sign-in (database users only)
  waive            waive a pending change: set the flag to false

Users (one of):
  <user id>…                         e.g. 'auth0|64b7f0c2a1d3e4f5a6b7c8d9' (quote the |)
  --file <path>                      one user id per line; blank lines and # comments are ignored
  --query <query>                    a user search (Lucene syntax, v3), at most 1000 users,
                                     e.g. 'email:*@contractor.example AND identities.provider:auth0'

Options:
  --flag <key>                       the app_metadata key of the obligation (default needsPasswordReset)
  --temporary-password-from-env <VAR>
                                     require-change: first set the password held in environment
                                     variable VAR (the password itself never goes on the command line)
  --dry-run                          read the users and report what would change; write nothing
  --rate <n>                         Management API requests per second (default 2, Auth0's free plan)
  --state <file.json>                record each user's outcome there, after each user; a re-run with
                                     the same file skips the users done or skipped, retries the failed
  --json                             print the final report as JSON
  -h, --help                         this help
  --version                          the version

Credentials come from the environment only: AUTH0_DOMAIN (the canonical *.auth0.com domain),
AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of an M2M application with read:users and update:users.

Exit codes: 0 every user done or skipped; 1 some failed; 2 bad usage or input (nothing changed);
3 could not authenticate; 130 interrupted.
`;

const VALUE_OPTIONS = {
  '--file': 'file',
  '--query': 'query',
  '--flag': 'flag',
  '--temporary-password-from-env': 'temporaryPasswordEnv',
  '--rate': 'rate',
  '--state': 'state',
} as const;
type ValueOption = keyof typeof VALUE_OPTIONS;

const ENVIRONMENT_ONLY =
  'credentials come from the environment only (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), never from arguments, which end up in shell history and process lists';
const PASSWORD_FROM_ENV =
  'a password on the command line ends up in shell history and process lists; put it in an environment variable and pass the variable’s name: --temporary-password-from-env TEMP_PASSWORD';

/** Options that would put a secret on the command line: refused, whatever follows them. */
const REFUSED: Readonly<Record<string, string>> = {
  '--client-secret': ENVIRONMENT_ONLY,
  '--client-id': ENVIRONMENT_ONLY,
  '--domain': ENVIRONMENT_ONLY,
  '--secret': ENVIRONMENT_ONLY,
  '--token': ENVIRONMENT_ONLY,
  '--access-token': ENVIRONMENT_ONLY,
  '--password': PASSWORD_FROM_ENV,
  '--temporary-password': PASSWORD_FROM_ENV,
};

const COMMANDS: ReadonlySet<string> = new Set<CliCommand>(['require-change', 'waive']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** At most `max` characters of something the user typed, quoted, for an error message. */
export const quote = (text: string, max = 40) => JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);

function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0 || rate > 100) {
    throw new UsageError(`--rate must be a number of requests per second, above 0 and at most 100 (got ${quote(value, 12)})`);
  }
  return rate;
}

/**
 * Parses the tool's arguments. Nothing a user typed after an option that could hold a secret is
 * ever repeated in a message.
 *
 * @throws UsageError
 */
export function parseArguments(argv: readonly string[]): CommandLine {
  const positionals: string[] = [];
  const values: Partial<Record<(typeof VALUE_OPTIONS)[ValueOption], string>> = {};
  let dryRun = false;
  let json = false;
  let help = false;
  let version = false;
  let onlyPositionals = false;

  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const refusal = REFUSED[name];
    if (refusal !== undefined) throw new UsageError(`refusing ${name}: ${refusal}`);
    if (name === '-h' || name === '--help' || name === '--version' || name === '--dry-run' || name === '--json') {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      if (name === '--dry-run') dryRun = true;
      else if (name === '--json') json = true;
      else if (name === '--version') version = true;
      else help = true;
      continue;
    }
    if (!Object.hasOwn(VALUE_OPTIONS, name)) {
      throw new UsageError(`unknown option ${/^-{1,2}[A-Za-z][A-Za-z0-9-]{0,40}$/.test(name) ? name : quote(name, 20)}`);
    }
    const key = VALUE_OPTIONS[name as ValueOption];
    let value = inline;
    if (value === undefined) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('--') && key !== 'query')) throw new UsageError(`${name} needs a value`);
      value = next;
      index += 1;
    }
    if (value === '') throw new UsageError(`${name} needs a value`);
    if (values[key] !== undefined) throw new UsageError(`${name} is given twice`);
    values[key] = value;
  }

  if (help) return { kind: 'help' };
  if (version) return { kind: 'version' };

  const [command, ...userIds] = positionals;
  if (command === undefined) throw new UsageError('no command: use require-change or waive');
  if (!COMMANDS.has(command)) throw new UsageError(`unknown command ${quote(command, 30)}: use require-change or waive`);

  const sources = [userIds.length > 0, values.file !== undefined, values.query !== undefined].filter(Boolean).length;
  if (sources === 0) throw new UsageError('no users: give user ids, --file <path> or --query <query>');
  if (sources > 1) throw new UsageError('give the users one way only: user ids, --file or --query');
  const malformed = userIds.filter((userId) => !isUserId(userId));
  if (malformed.length > 0) {
    const listed = malformed.slice(0, 3).map((userId) => quote(userId)).join(', ');
    throw new UsageError(
      `not a user id: ${listed}${malformed.length > 3 ? ` and ${malformed.length - 3} more` : ''} (expected provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, without spaces)`,
    );
  }
  if (values.query !== undefined && values.query.trim() === '') throw new UsageError('--query is empty');
  if (values.flag !== undefined && (values.flag === '' || /[.$]/.test(values.flag))) {
    throw new UsageError(`--flag must be an app_metadata key without "." or "$" (got ${quote(values.flag)})`);
  }
  const temporaryPasswordEnv = values.temporaryPasswordEnv;
  if (temporaryPasswordEnv !== undefined) {
    if (command !== 'require-change') throw new UsageError('--temporary-password-from-env is for require-change only');
    if (!ENV_NAME.test(temporaryPasswordEnv)) {
      // Not quoted: someone may have passed the password itself here.
      throw new UsageError('--temporary-password-from-env takes the name of an environment variable (letters, digits, _), not a password');
    }
  }

  return {
    kind: 'run',
    run: {
      command: command as CliCommand,
      userIds: [...new Set(userIds)],
      file: values.file,
      query: values.query,
      flag: values.flag,
      temporaryPasswordEnv,
      dryRun,
      rate: values.rate === undefined ? undefined : parseRate(values.rate),
      state: values.state,
      json,
    },
  };
}
