import { MAX_PASSWORD_AGE_DAYS, MAX_RATE, MIN_RATE } from '../admin/options.js';
import type { CliCommand } from './parse-arguments.js';

const NAME = 'auth0-force-password-reset';

const USERS = `Users (one way only):
  <user id>…                         e.g. 'auth0|64b7f0c2a1d3e4f5a6b7c8d9' (quote the |)
  --file <path>                      one user id per line; blank lines and # comments are ignored
  --query <query>                    a user search (Lucene syntax, v3), at most 1000 users,
                                     e.g. 'email:*@contractor.example AND identities.provider:auth0'
                                     (a query that starts with "-" goes after "=": --query=-…)
  --all                              every user of the tenant, through a users export (any number)
  --connection <name>                every user of one connection, through a users export`;

const TEMPORARY_PASSWORD = `  --temporary-password-from-env <VAR>
                                     first set the password held in environment variable VAR
                                     (the password itself never goes on the command line)
  --skip-waived-since <time>         leave alone users an administrator waived (waive) at or
                                     after this ISO 8601 time; without it they are required
                                     again, with a warning and a count
  --revoke-sessions                  also end each user's sessions and refresh tokens (after the
                                     flag; one request more per user). Enterprise plans only:
                                     checked before the first user (exit 5 on another plan);
                                     needs delete:sessions and delete:refresh_tokens`;

const FLAG = `  --flag <key>                       the app_metadata key of the obligation
                                     (default needsPasswordReset)`;
const RATE = `  --rate <n>                         Management API requests per second, ${MIN_RATE} to ${MAX_RATE}
                                     (default 2, Auth0's free plan; Enterprise production: 16)`;

const COMMON_OPTIONS = `${FLAG}
  --dry-run                          report what would change; write nothing (users given by id
                                     or a query are read; from an export, nothing more is read)
${RATE}
  --concurrency <n>                  users in flight at once (default: the rate / 5, rounded up);
                                     one at a time, a tenant 100 ms away allows 10 requests/s
  --state <file.json>                record each user's outcome there as it happens; a re-run
                                     with the same file skips the users done or skipped and
                                     retries the failed. The file records its run (the command,
                                     the users selected, what is written): another run is refused
                                     with it. One run at a time per file: a lock file sits next
                                     to it
  --audit-log <file>                 append one JSON line per user written to: when, who (the M2M
                                     client id, the OS user), what, the outcome; never a secret
                                     (default with --state: <file.json>.audit.jsonl)
  --json                             print the final report as JSON
  -h, --help                         this help`;

const SCOPES = {
  'require-change':
    'read:users and update:users_app_metadata, plus update:users when a temporary password is set, and delete:sessions and delete:refresh_tokens with --revoke-sessions',
  waive: 'read:users and update:users_app_metadata',
  status: 'read:users',
} as const satisfies Record<CliCommand, string>;

const DESCRIPTION_COLUMN = 37;

/** Words as lines that end by column 100, indented to the column where option descriptions start. */
function indented(text: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && DESCRIPTION_COLUMN + last.length + 1 + word.length <= 100) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.map((line) => `${' '.repeat(DESCRIPTION_COLUMN)}${line}`).join('\n');
}

const credentials = (scopes: string) => `Credentials come from the environment only, never from arguments:
  AUTH0_DOMAIN                       the tenant's canonical domain (acme.eu.auth0.com, not a custom
                                     domain); http://127.0.0.1:PORT rehearses against a local tenant
                                     (plain HTTP is accepted for loopback hosts only)
  AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
${indented(`an M2M application authorized for the Management API with ${scopes}`)}`;

const EXIT_CODES = `Exit codes: 0 every user done or skipped; 1 some failed; 2 bad usage or input (nothing changed);
3 could not authenticate, or a scope is missing; 4 cannot reach the tenant (DNS, TLS or connection
failure: not retried); 5 the tenant's plan does not allow --revoke-sessions; 130 interrupted.`;

const STATUS_EXIT_CODES = `Exit codes: 0 the status is printed; 1 the export failed; 2 bad usage; 3 could not authenticate;
4 cannot reach the tenant (DNS, TLS or connection failure: not retried); 130 interrupted.`;

const OVERVIEW = `Usage: ${NAME} <command> [user ids…] [options]

Require existing Auth0 database users to choose a new password at their next sign-in, or waive it,
and see where a campaign stands.

Commands:
  require-change   require a password change at the next sign-in (database users only)
  waive            waive a pending change: set the flag to false
  status           count, per connection, the users flagged, changed since, and stopped today

Run ${NAME} <command> --help for the command's users and options.

Options:
  -h, --help                         this help; after a command, that command's help
  --version                          the version

${credentials(`${SCOPES.waive}, plus update:users when require-change sets a temporary password, delete:sessions and delete:refresh_tokens for --revoke-sessions (status needs read:users only)`)}

${EXIT_CODES}
`;

const COMMAND_HELP: Readonly<Record<CliCommand, string>> = {
  'require-change': `Usage: ${NAME} require-change <user id>… [options]
       ${NAME} require-change --file <path> | --query <query> [options]
       ${NAME} require-change --all | --connection <name> [options]

Requires a password change at the next sign-in: sets the temporary password first (if one is given),
then the flag and <flag>At, stamped after the password change, so that change does not count as the
user's own. Only database users are changed; the others, and users already flagged who have not
changed their password since, are reported as skipped. From an export, a user costs one request
(three with a temporary password: a read, the password, the flag; four for a user already flagged,
whose <flag>At is moved ahead first), and one more with --revoke-sessions. A dry run says how many
requests the real run would make.

${USERS}

Options:
${TEMPORARY_PASSWORD}
${COMMON_OPTIONS}

${credentials(SCOPES['require-change'])}

${EXIT_CODES}
`,
  waive: `Usage: ${NAME} waive <user id>… [options]
       ${NAME} waive --file <path> | --query <query> [options]
       ${NAME} waive --all | --connection <name> [options]

Waives a pending password change: sets the flag to false and <flag>WaivedAt to the time (the gate
then lets the user in, and does not flag them at a first login either; require-change
--skip-waived-since leaves such users alone). Other app_metadata keys are kept.

${USERS}

Options:
${COMMON_OPTIONS}

${credentials(SCOPES.waive)}

${EXIT_CODES}
`,
  status: `Usage: ${NAME} status [--connection <name>] [options]

Counts, from a users export (any number of users, a few requests), per database connection: the
users, those flagged, those of them who changed their password since, and those the gate stops
today — by the flag, and by the tenant-wide rules given below (ask "what would these rules do"
before you deploy them). Reads only.

Options:
  --connection <name>                only this connection's users
  --passwords-set-before <time>      the gate's passwordsSetBefore: an ISO 8601 time; a password
                                     last set (or created) before it must change, once it has come
  --max-password-age-days <n>        the gate's maxPasswordAgeDays: a password older than n days
                                     must change (1 to ${MAX_PASSWORD_AGE_DAYS})
${FLAG}
${RATE}
  --state <file.json>                instead: which run this state file belongs to and how far it
                                     got, and its audit log (reads files only: no credentials, no
                                     request)
  --audit-log <file>                 instead, or with --state: sum up this audit log, with its
                                     latest lines
  --json                             print the status as JSON
  -h, --help                         this help

${credentials(SCOPES.status)}

${STATUS_EXIT_CODES}
`,
};

/** The tool's help: the overview, or one command's users and options. */
export function helpText(command?: CliCommand): string {
  return command === undefined ? OVERVIEW : COMMAND_HELP[command];
}

/** The scopes a command's M2M application needs, as the help and the messages say them. */
export const scopesNeeded = (command: CliCommand): string => SCOPES[command];
