import { describe, expect, it } from 'vitest';
import { parseArguments, UsageError } from '../../src/cli/parse-arguments.js';

const refusal = (argv: string[]) => {
  try {
    parseArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

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
        flag: 'mustChangePassword',
        temporaryPasswordEnv: 'TEMP_PASSWORD',
        dryRun: true,
        rate: 0.5,
        state: 'state.json',
        json: true,
      },
    });
  });

  it('takes user ids anywhere, de-duplicated, and after --', () => {
    const commandLine = parseArguments(['waive', 'auth0|1', '--rate', '5', 'auth0|2', '--', 'auth0|1']);
    expect(commandLine).toMatchObject({ kind: 'run', run: { command: 'waive', userIds: ['auth0|1', 'auth0|2'] } });
  });

  it('answers --help and --version whatever else is there', () => {
    expect(parseArguments(['require-change', '--help'])).toEqual({ kind: 'help' });
    expect(parseArguments(['-h'])).toEqual({ kind: 'help' });
    expect(parseArguments(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['require-change', 'auth0|1', '--client-secret'], 'refusing --client-secret: credentials come from the environment only (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), never from arguments, which end up in shell history and process lists'],
    [['require-change', 'auth0|1', '--domain=acme.auth0.com'], 'refusing --domain: credentials come from the environment only (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), never from arguments, which end up in shell history and process lists'],
    [['require-change', 'auth0|1', '--password', 'x'], 'refusing --password: a password on the command line ends up in shell history and process lists; put it in an environment variable and pass the variable’s name: --temporary-password-from-env TEMP_PASSWORD'],
    [['require-change', 'auth0|1', '--temporary-password-from-env', 'Hunter2!'], '--temporary-password-from-env takes the name of an environment variable (letters, digits, _), not a password'],
    [['require-change', 'auth0|1', '--rate', '1', '--rate', '2'], '--rate is given twice'],
    [['require-change', 'auth0|1', '--dry-run=yes'], '--dry-run takes no value'],
    [['require-change', '--file', ''], '--file needs a value'],
    [['require-change', '--file', '--dry-run'], '--file needs a value'],
    [['require-change', '--query', '  '], '--query is empty'],
    [['require-change', 'a', 'b', 'c', 'd'], 'not a user id: "a", "b", "c" and 1 more (expected provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, without spaces)'],
    [[], 'no command: use require-change or waive'],
    [['require-change', 'auth0|1', '-x'], 'unknown option -x'],
  ])('refuses %j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});
