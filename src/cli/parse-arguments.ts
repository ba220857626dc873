import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ISO_TIME_EXPECTED, MAX_CONCURRENCY, MAX_PASSWORD_AGE_DAYS, MAX_RATE, MIN_RATE, RATE_EXPECTED } from '../admin/options.js';
import { terminalSafeJson } from '../internal/control-characters.js';
import { parseIsoTime } from '../obligation/time.js';
import { closestName, spelling } from './closest-name.js';
import { USER_ID_FORM, userIdProblem } from './user-id-problem.js';

/** The commands that change users. */
export type ChangeCommand = 'require-change' | 'waive';
/** The tool's commands. */
export type CliCommand = ChangeCommand | 'status';

/** A command line that asks for a run. */
export interface RunArguments {
  readonly command: ChangeCommand;
  /** User ids given as arguments. */
  readonly userIds: readonly string[];
  readonly file: string | undefined;
  readonly query: string | undefined;
  /** `--all`: every user of the tenant, through a users export. */
  readonly all: boolean;
  /** `--connection`: every user of this connection, through a users export. */
  readonly connection: string | undefined;
  readonly flag: string | undefined;
  /** The name of the environment variable holding the temporary password — never the password. */
  readonly temporaryPasswordEnv: string | undefined;
  /** `--skip-waived-since`, as typed (checked: an ISO 8601 time). */
  readonly skipWaivedSince: string | undefined;
  /** `--revoke-sessions`: end each user's sessions and refresh tokens too. */
  readonly revokeSessions: boolean;
  readonly dryRun: boolean;
  readonly rate: number | undefined;
  /** `--concurrency`: users in flight at once. */
  readonly concurrency: number | undefined;
  readonly state: string | undefined;
  /** `--audit-log`: where each user touched gets a line (default: next to the state file). */
  readonly auditLog: string | undefined;
  readonly json: boolean;
}

/** A command line that asks for a status. */
export interface StatusArguments {
  readonly command: 'status';
  readonly connection: string | undefined;
  readonly flag: string | undefined;
  /** `--passwords-set-before`, as typed (checked: an ISO 8601 time). */
  readonly passwordsSetBefore: string | undefined;
  readonly maxPasswordAgeDays: number | undefined;
  readonly rate: number | undefined;
  /** `--state`: read this state file (which run it belongs to, how far it got) instead of the tenant. */
  readonly state: string | undefined;
  /** `--audit-log`: sum up this audit log (default with `--state`: the one next to the state file). */
  readonly auditLog: string | undefined;
  readonly json: boolean;
}

/** What a command line asks for. */
export type CommandLine =
  | { readonly kind: 'run'; readonly run: RunArguments }
  | { readonly kind: 'status'; readonly status: StatusArguments }
  /** `--help`: the overview, or with a command before it, that command's help. */
  | { readonly kind: 'help'; readonly command: CliCommand | undefined }
  | { readonly kind: 'version' };

/** A command line the tool refuses; the message says what to do instead. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

const OPTIONS = {
  file: { type: 'string' },
  query: { type: 'string' },
  all: { type: 'boolean' },
  connection: { type: 'string' },
  flag: { type: 'string' },
  'passwords-set-before': { type: 'string' },
  'max-password-age-days': { type: 'string' },
  'temporary-password-from-env': { type: 'string' },
  'skip-waived-since': { type: 'string' },
  'revoke-sessions': { type: 'boolean' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  state: { type: 'string' },
  'audit-log': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
type OptionName = keyof typeof OPTIONS;
const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

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
/** `--clientSecret`, `--CLIENT_SECRET`: the same option to whoever typed it, so refused the same way. */
const REFUSED_BY_SPELLING = new Map(Object.entries(REFUSED).map(([name, why]) => [spelling(name), why]));

const COMMANDS: readonly CliCommand[] = ['require-change', 'waive', 'status'];
const isCommand = (value: string | undefined): value is CliCommand => COMMANDS.includes(value as CliCommand);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What may be repeated of an unknown option: a plain name. Anything else may be a secret typed in the wrong place. */
const OPTION_LIKE = /^(?:-[A-Za-z]|--[A-Za-z][A-Za-z0-9_-]{0,40})$/;
/** What may be repeated of an unknown command: a plain word, as commands are. */
const COMMAND_LIKE = /^[a-z][a-z-]{0,30}$/;

/** At most `max` characters of something the user typed (or a file held), quoted and escaped, for a message. */
export const quote = (text: string, max = 40): string => terminalSafeJson(JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text));

/** A path the user gave (`--file`, `--state`), quoted: shown whole unless absurdly long, as paths are no secrets. */
export const quotePath = (path: string): string => quote(path, 240);

/**
 * Refuses, before anything else is looked at, an argument that names an option made for a secret —
 * in any form (`--client-secret x`, `--client-secret=x`, `--clientSecret`), anywhere (after `--`
 * too) — so that what follows it is never read, let alone repeated.
 */
function refuseSecretOptions(argv: readonly string[]): void {
  for (const arg of argv) {
    if (!arg.startsWith('--')) continue;
    const name = arg.split('=', 1)[0] as string;
    const why = REFUSED[name] ?? REFUSED_BY_SPELLING.get(spelling(name));
    if (why !== undefined) throw new UsageError(`refusing ${OPTION_LIKE.test(name) ? name : 'an option'}: ${why}`);
  }
}

function unknownOption(raw: string, position: number): UsageError {
  const name = raw.startsWith('--') ? (raw.split('=', 1)[0] as string) : raw;
  if (!OPTION_LIKE.test(name)) {
    return new UsageError(`argument ${position} is an unknown option (not repeated here: it does not look like an option name)`);
  }
  const closest = name.startsWith('--') ? closestName(name.slice(2), OPTION_NAMES) : undefined;
  return new UsageError(`unknown option ${name}${closest === undefined ? '' : `: did you mean --${closest}?`}`);
}

/**
 * Says why `parseArgs` (strict) refused a command line, from the tokens of a lenient pass — data,
 * not Node's message, which would quote what the user typed.
 */
function explainRejection(argv: readonly string[]): UsageError {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(OPTIONS, token.name)) return unknownOption(argv[token.index] as string, token.index + 1);
    const option = `--${token.name}`;
    if (OPTIONS[token.name as OptionName].type === 'boolean') {
      if (token.value !== undefined) return new UsageError(`${option} takes no value`);
    } else if (token.value === undefined) {
      return new UsageError(`${option} needs a value`);
    } else if (token.inlineValue !== true && token.value.startsWith('-')) {
      return new UsageError(`${option} needs a value (a value that starts with "-" goes after "=": ${option}=-…)`);
    }
  }
  return new UsageError('the arguments could not be read; see --help');
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    // A number is quoted; anything else is not (it was meant for somewhere else).
    const got = /^[\d.eE+-]{1,16}$/.test(value) ? ` (got ${quote(value)})` : '';
    throw new UsageError(`--rate ${RATE_EXPECTED}${got}`);
  }
  return rate;
}

const USE_A_COMMAND = 'use require-change, waive or status';

function commandProblem(word: string): string {
  if (COMMAND_LIKE.test(word)) {
    const closest = closestName(word, COMMANDS);
    return `unknown command ${quote(word)}: ${closest === undefined ? USE_A_COMMAND : `did you mean ${closest}?`}`;
  }
  if (userIdProblem(word) === undefined) return 'the command comes first: require-change or waive, then the user ids';
  return `the first argument is not a command (not repeated here: it does not look like one): ${USE_A_COMMAND}`;
}

/** Connection names as Auth0 allows them; anything else is not repeated (it was meant for somewhere else). */
function parseConnection(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/.test(value)) {
    throw new UsageError('--connection takes a connection name: letters, digits and inner hyphens, such as Username-Password-Authentication');
  }
  return value;
}

function parseIsoTimeOption(option: string, value: string | undefined): string | undefined {
  if (value === undefined || parseIsoTime(value) !== undefined) return value;
  const got = /^[\dT:.+Z-]{1,40}$/i.test(value) ? ` (got ${quote(value)})` : '';
  throw new UsageError(`--${option} ${ISO_TIME_EXPECTED}${got}`);
}

function parseMaxPasswordAgeDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!/^\d{1,6}$/.test(value) || days < 1 || days > MAX_PASSWORD_AGE_DAYS) {
    const got = /^[\d.eE+-]{1,16}$/.test(value) ? ` (got ${quote(value)})` : '';
    throw new UsageError(`--max-password-age-days must be a whole number of days from 1 to ${MAX_PASSWORD_AGE_DAYS}${got}`);
  }
  return days;
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const concurrency = Number(value);
  if (!/^\d{1,4}$/.test(value) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    const got = /^[\d.eE+-]{1,16}$/.test(value) ? ` (got ${quote(value)})` : '';
    throw new UsageError(`--concurrency must be a whole number of users from 1 to ${MAX_CONCURRENCY}${got}`);
  }
  return concurrency;
}

/** Options that belong to the other kind of command, named in a refusal. */
const CHANGE_ONLY = ['file', 'query', 'all', 'temporary-password-from-env', 'skip-waived-since', 'revoke-sessions', 'dry-run', 'concurrency'] as const;
const STATUS_ONLY = ['passwords-set-before', 'max-password-age-days'] as const;
/** What `status --state` leaves out: it reads the file, not the tenant. */
const TENANT_STATUS_ONLY = ['connection', 'flag', 'passwords-set-before', 'max-password-age-days', 'rate'] as const;

function malformedUserIds(positionals: readonly { readonly value: string; readonly index: number }[]): UsageError | undefined {
  const problems = positionals.flatMap(({ value, index }) => {
    const problem = userIdProblem(value);
    return problem === undefined ? [] : [`argument ${index + 1}: not a user id (${problem})`];
  });
  if (problems.length === 0) return undefined;
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return new UsageError(`${problems.slice(0, 3).join('; ')}${more} — a user id is ${USER_ID_FORM}, without spaces`);
}

/**
 * Parses the tool's arguments with `node:util` `parseArgs` (strict), then checks them. Nothing a
 * user typed after an option that could hold a secret is ever read; messages repeat only what is
 * safe to show: option names that look like option names, and numbers.
 *
 * @throws UsageError
 */
export function parseArguments(argv: readonly string[]): CommandLine {
  refuseSecretOptions(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) throw explainRejection(argv);
    throw error;
  }
  const { values, tokens } = parsed;
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || OPTIONS[token.name as OptionName].type === 'boolean') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice`);
    seen.add(token.name);
    if (token.value === '') throw new UsageError(`--${token.name} needs a value`);
  }
  const positionals = tokens.filter((token) => token.kind === 'positional');
  const [first, ...rest] = positionals;

  if (values.help === true) return { kind: 'help', command: isCommand(first?.value) ? first.value : undefined };
  if (values.version === true) return { kind: 'version' };

  if (first === undefined) throw new UsageError(`no command: ${USE_A_COMMAND}`);
  if (!isCommand(first.value)) throw new UsageError(commandProblem(first.value));
  const command = first.value;

  const { file, query, flag, state } = values;
  if (flag !== undefined && /[.$]/.test(flag)) {
    throw new UsageError(`--flag must be an app_metadata key without "." or "$" (got ${quote(flag)})`);
  }
  const connection = parseConnection(values.connection);
  const rate = values.rate === undefined ? undefined : parseRate(values.rate);

  if (command === 'status') {
    const misplaced = CHANGE_ONLY.find((name) => values[name] !== undefined);
    if (misplaced !== undefined) throw new UsageError(`--${misplaced} is not an option of status`);
    if (rest.length > 0) throw new UsageError('status takes no user ids: it counts every user (or those of --connection <name>)');
    const auditLog = values['audit-log'];
    const fromFiles = state !== undefined || auditLog !== undefined;
    const tenantOnly = fromFiles ? TENANT_STATUS_ONLY.find((name) => values[name] !== undefined) : undefined;
    if (tenantOnly !== undefined) {
      throw new UsageError(`status ${state === undefined ? '--audit-log' : '--state'} reads files only: --${tenantOnly} does not apply to it`);
    }
    return {
      kind: 'status',
      status: {
        command,
        connection,
        flag,
        passwordsSetBefore: parseIsoTimeOption('passwords-set-before', values['passwords-set-before']),
        maxPasswordAgeDays: parseMaxPasswordAgeDays(values['max-password-age-days']),
        rate,
        state,
        auditLog,
        json: values.json === true,
      },
    };
  }

  const misplaced = STATUS_ONLY.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) throw new UsageError(`--${misplaced} is for status only`);
  const userIds = rest.map((token) => token.value);
  const all = values.all === true;
  const sources = [userIds.length > 0, file !== undefined, query !== undefined, all, connection !== undefined].filter(Boolean).length;
  if (sources === 0) throw new UsageError('no users: give user ids, --file <path>, --query <query>, --all or --connection <name>');
  if (sources > 1) throw new UsageError('give the users one way only: user ids, --file, --query, --all or --connection');
  const malformed = malformedUserIds(rest);
  if (malformed !== undefined) throw malformed;
  if (query !== undefined && query.trim() === '') throw new UsageError('--query is empty');
  const skipWaivedSince = parseIsoTimeOption('skip-waived-since', values['skip-waived-since']);
  if (skipWaivedSince !== undefined && command !== 'require-change') throw new UsageError('--skip-waived-since is for require-change only');
  const revokeSessions = values['revoke-sessions'] === true;
  if (revokeSessions && command !== 'require-change') throw new UsageError('--revoke-sessions is for require-change only');
  const temporaryPasswordEnv = values['temporary-password-from-env'];
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
      command,
      userIds: [...new Set(userIds)],
      file,
      query,
      all,
      connection,
      flag,
      temporaryPasswordEnv,
      skipWaivedSince,
      revokeSessions,
      dryRun: values['dry-run'] === true,
      rate,
      concurrency: parseConcurrency(values.concurrency),
      state,
      auditLog: values['audit-log'],
      json: values.json === true,
    },
  };
}
