import { describe, expect, it } from 'vitest';
import { closestName } from '../../../src/cli/closest-name.js';
import { parseArguments, UsageError } from '../../../src/cli/parse-arguments.js';

const refusal = (argv: string[]) => {
  try {
    parseArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

const ENVIRONMENT_ONLY =
  'credentials come from the environment only (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), never from arguments, which end up in shell history and process lists';
const PASSWORD_FROM_ENV =
  'a password on the command line ends up in shell history and process lists; put it in an environment variable and pass the variable’s name: --temporary-password-from-env TEMP_PASSWORD';
/** What a user might type after an option made for a secret; no message may contain it. */
const SECRET = 's3cr3t-Value_42';

describe('the command line of auth0-force-password-reset', () => {
  it('parses a full command line, values inline or separate', () => {
    expect(
      parseArguments([
        'require-change', '--query=app_metadata.team:"a=b" AND identities.provider:auth0', '--flag', 'mustChangePassword',
        '--temporary-password-from-env=TEMP_PASSWORD', '--dry-run', '--rate', '0.5', '--state', 'state.json', '--json',
      ]),
    ).toEqual({
      kind: 'run',
      run: {
        command: 'require-change',
        userIds: [],
        file: undefined,
        query: 'app_metadata.team:"a=b" AND identities.provider:auth0',
        all: false,
        connection: undefined,
        flag: 'mustChangePassword',
        temporaryPasswordEnv: 'TEMP_PASSWORD',
        skipWaivedSince: undefined,
        revokeSessions: false,
        dryRun: true,
        rate: 0.5,
        concurrency: undefined,
        state: 'state.json',
        json: true,
      },
    });
  });

  it('takes user ids anywhere, de-duplicated, and after --', () => {
    const commandLine = parseArguments(['waive', 'auth0|1', '--rate', '5', 'auth0|2', '--', 'auth0|1']);
    expect(commandLine).toMatchObject({ kind: 'run', run: { command: 'waive', userIds: ['auth0|1', 'auth0|2'] } });
  });

  it('takes a query that starts with "-" after "="', () => {
    expect(parseArguments(['waive', '--query=-email:*@staff.example'])).toMatchObject({ run: { query: '-email:*@staff.example' } });
  });

  it('answers --help with the overview, or after a command with that command’s help, whatever else is there', () => {
    expect(parseArguments(['--help'])).toEqual({ kind: 'help', command: undefined });
    expect(parseArguments(['-h'])).toEqual({ kind: 'help', command: undefined });
    expect(parseArguments(['require-change', '--help'])).toEqual({ kind: 'help', command: 'require-change' });
    expect(parseArguments(['waive', 'not-an-id', '-h'])).toEqual({ kind: 'help', command: 'waive' });
    expect(parseArguments(['--help', 'require-change', '--rate', '0'])).toEqual({ kind: 'help', command: 'require-change' });
    expect(parseArguments(['frobnicate', '--help'])).toEqual({ kind: 'help', command: undefined });
    expect(parseArguments(['--version'])).toEqual({ kind: 'version' });
  });

  describe('options that would put a secret on the command line', () => {
    const cases = [
      ['--client-secret', ENVIRONMENT_ONLY],
      ['--client-id', ENVIRONMENT_ONLY],
      ['--domain', ENVIRONMENT_ONLY],
      ['--secret', ENVIRONMENT_ONLY],
      ['--token', ENVIRONMENT_ONLY],
      ['--access-token', ENVIRONMENT_ONLY],
      ['--password', PASSWORD_FROM_ENV],
      ['--temporary-password', PASSWORD_FROM_ENV],
    ] as const;

    it.each(cases)('refuses %s in every form, and nothing that follows it is repeated', (option, why) => {
      const expected = `refusing ${option}: ${why}`;
      for (const argv of [
        ['require-change', 'auth0|1', option, SECRET],
        ['require-change', 'auth0|1', `${option}=${SECRET}`],
        ['require-change', 'auth0|1', option],
        [option, SECRET, 'require-change', 'auth0|1', '--help'],
        // Before anything else is looked at: an unknown option, a bad value or a malformed id before it.
        ['require-change', 'not-an-id', '--bogus', '--rate', 'x', option, SECRET],
        // After "--", and as the "value" of another option.
        ['require-change', 'auth0|1', '--', option, SECRET],
        ['require-change', '--query', option, SECRET],
      ]) {
        expect(refusal(argv)).toBe(expected);
      }
    });

    it.each([
      ['--clientSecret', ENVIRONMENT_ONLY],
      ['--client_secret', ENVIRONMENT_ONLY],
      ['--CLIENT-SECRET', ENVIRONMENT_ONLY],
      ['--accessToken', ENVIRONMENT_ONLY],
      ['--temporaryPassword', PASSWORD_FROM_ENV],
    ])('refuses %s, spelled another way, the same way', (option, why) => {
      expect(refusal(['require-change', 'auth0|1', `${option}=${SECRET}`])).toBe(`refusing ${option}: ${why}`);
    });
  });

  describe('unknown options', () => {
    it.each([
      ['--dryrun', 'unknown option --dryrun: did you mean --dry-run?'],
      ['--dry_run', 'unknown option --dry_run: did you mean --dry-run?'],
      ['--dryRun', 'unknown option --dryRun: did you mean --dry-run?'],
      ['--stat', 'unknown option --stat: did you mean --state?'],
      ['--jsn', 'unknown option --jsn: did you mean --json?'],
      ['--verison', 'unknown option --verison: did you mean --version?'],
      ['--temp', 'unknown option --temp: did you mean --temporary-password-from-env?'],
      ['--temporary-password-env', 'unknown option --temporary-password-env: did you mean --temporary-password-from-env?'],
      ['--bogus', 'unknown option --bogus'],
      ['-x', 'unknown option -x'],
    ])('%s: names it, suggesting the closest known option', (option, message) => {
      expect(refusal(['require-change', 'auth0|1', option])).toBe(message);
    });

    it('never repeats an unknown option’s value, inline or separate', () => {
      expect(refusal(['require-change', 'auth0|1', `--dryrun=${SECRET}`])).toBe('unknown option --dryrun: did you mean --dry-run?');
      // The value that follows is not read as a user id either.
      expect(refusal(['require-change', '--bogus', SECRET])).toBe('unknown option --bogus');
    });

    it('does not repeat something that does not look like an option name: it may be a secret typed in the wrong place', () => {
      for (const argv of [
        ['require-change', 'auth0|1', `-${SECRET}!`],
        ['require-change', 'auth0|1', `--${SECRET}!`],
        ['require-change', 'auth0|1', `--${SECRET}!=x`],
      ]) {
        expect(refusal(argv)).toBe('argument 3 is an unknown option (not repeated here: it does not look like an option name)');
      }
    });
  });

  describe('unknown commands', () => {
    it.each([
      [['frobnicate', 'auth0|1'], 'unknown command "frobnicate": use require-change, waive or status'],
      [['require-chnage', 'auth0|1'], 'unknown command "require-chnage": did you mean require-change?'],
      [['waiv', 'auth0|1'], 'unknown command "waiv": did you mean waive?'],
      [['auth0|1', 'require-change'], 'the command comes first: require-change or waive, then the user ids'],
      [[SECRET, 'auth0|1'], 'the first argument is not a command (not repeated here: it does not look like one): use require-change, waive or status'],
    ])('%j', (argv, message) => {
      expect(refusal(argv)).toBe(message);
    });
  });

  describe('--rate', () => {
    it.each(['0.1', '2', '100', '1e1'])('takes %s', (rate) => {
      expect(parseArguments(['waive', 'auth0|1', '--rate', rate])).toMatchObject({ run: { rate: Number(rate) } });
    });

    it.each([
      ['1e-7', ' (got "1e-7")'],
      ['0.09', ' (got "0.09")'],
      ['0', ' (got "0")'],
      ['1001', ' (got "1001")'],
      ['Infinity', ''],
      [SECRET, ''],
    ])('refuses %s, with the same words as /admin, quoting only a number', (rate, got) => {
      expect(refusal(['waive', 'auth0|1', `--rate=${rate}`])).toBe(`--rate must be a number of requests per second from 0.1 to 1000${got}`);
    });
  });

  it.each([
    [['require-change', 'auth0|1', '--temporary-password-from-env', 'Hunter2!'], '--temporary-password-from-env takes the name of an environment variable (letters, digits, _), not a password'],
    [['require-change', 'auth0|1', '--temporary-password-from-env', '-Hunter2'], '--temporary-password-from-env needs a value (a value that starts with "-" goes after "=": --temporary-password-from-env=-…)'],
    [['require-change', 'auth0|1', '--rate', '1', '--rate', '2'], '--rate is given twice'],
    [['require-change', '--query', 'a:b', '--query=c:d'], '--query is given twice'],
    [['require-change', 'auth0|1', '--dry-run=yes'], '--dry-run takes no value'],
    [['require-change', '--file', ''], '--file needs a value'],
    [['require-change', '--file='], '--file needs a value'],
    [['require-change', '--file'], '--file needs a value'],
    [['require-change', '--file', '--dry-run'], '--file needs a value (a value that starts with "-" goes after "=": --file=-…)'],
    [['require-change', '--query', '  '], '--query is empty'],
    [['require-change', '--query', '-email:x'], '--query needs a value (a value that starts with "-" goes after "=": --query=-…)'],
    [
      ['require-change', 'a', 'ada@example.com', `AUTH0_CLIENT_SECRET=${SECRET}`, 'auth0|', `auth0|a ${SECRET}`],
      'argument 2: not a user id (it has no "|" between provider and id); argument 3: not a user id (it looks like an email address); argument 4: not a user id (it looks like NAME=value); and 2 more — a user id is provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, without spaces',
    ],
    [[], 'no command: use require-change, waive or status'],
  ])('refuses %j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});

describe('selections through a users export, and status', () => {
  it('takes --all or --connection as the users, and --concurrency', () => {
    expect(parseArguments(['require-change', '--all', '--concurrency', '8'])).toMatchObject({ kind: 'run', run: { all: true, connection: undefined, userIds: [], concurrency: 8 } });
    expect(parseArguments(['waive', '--connection=Username-Password-Authentication'])).toMatchObject({ kind: 'run', run: { all: false, connection: 'Username-Password-Authentication' } });
  });

  it('parses status and its rules', () => {
    expect(parseArguments(['status', '--connection', 'staff', '--passwords-set-before', '2026-03-01T00:00:00Z', '--max-password-age-days', '90', '--rate', '16', '--json'])).toEqual({
      kind: 'status',
      status: { command: 'status', connection: 'staff', flag: undefined, passwordsSetBefore: '2026-03-01T00:00:00Z', maxPasswordAgeDays: 90, rate: 16, json: true },
    });
    expect(parseArguments(['status', '--help'])).toEqual({ kind: 'help', command: 'status' });
  });

  it.each([
    [['require-change', '--all', '--concurrency', '0'], '--concurrency must be a whole number of users from 1 to 200 (got "0")'],
    [['require-change', '--all', `--concurrency=${SECRET}`], '--concurrency must be a whole number of users from 1 to 200'],
    [['status', '--concurrency', '2'], '--concurrency is not an option of status'],
    [['status', '--dry-run'], '--dry-run is not an option of status'],
    [['status', '--temporary-password-from-env', 'TEMP'], '--temporary-password-from-env is not an option of status'],
    [['waive', '--all', '--max-password-age-days', '90'], '--max-password-age-days is for status only'],
    [['status', '--passwords-set-before', SECRET], '--passwords-set-before must be an ISO 8601 time such as "2026-03-01T00:00:00Z"'],
    [['status', '--max-password-age-days', '3651'], '--max-password-age-days must be a whole number of days from 1 to 3650 (got "3651")'],
    [['status', '--connection', `staff ${SECRET}`], '--connection takes a connection name: letters, digits and inner hyphens, such as Username-Password-Authentication'],
  ])('refuses %j, quoting only what cannot be a secret', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});

describe('closestName', () => {
  const names = ['file', 'query', 'flag', 'rate', 'state', 'json'] as const;

  it('suggests nothing when two names are equally close, or none is close', () => {
    expect(closestName('fla', ['flag', 'flat'])).toBeUndefined();
    expect(closestName('zzzzz', names)).toBeUndefined();
    expect(closestName('', names)).toBeUndefined();
  });

  it('suggests the only name that starts with what was typed', () => {
    expect(closestName('que', names)).toBe('query');
  });
});
