import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { escapeControlCharacters } from '../internal/control-characters.js';
import { isRecord } from '../obligation/obligation.js';
import { toIsoInstant } from '../obligation/time.js';
import { quote, quotePath, type ChangeCommand, type RunArguments } from './parse-arguments.js';

/**
 * Which users a run selected, as the command line gave them: enough to tell two runs apart, never
 * the users themselves (ids given as arguments are kept as a count and a digest).
 */
export type RunSelection =
  | { readonly ids: { readonly count: number; readonly sha256: string } }
  | { readonly file: string }
  | { readonly query: string }
  | { readonly all: true }
  | { readonly connection: string };

/**
 * The options of a run that change what it writes. Only those given are kept, so that a state file
 * written before an option existed still names its run exactly.
 */
export interface RunWrites {
  /** A temporary password is set first (never the password, nor where it came from). */
  readonly temporaryPassword?: true;
  /** `--skip-waived-since`, as an instant. */
  readonly skipWaivedSince?: string;
  /** Each user's sessions and refresh tokens are revoked. */
  readonly revokeSessions?: true;
}

/**
 * Which run a state file belongs to: a re-run must be the same command, on the same tenant and
 * flag, for the same users, writing the same things. Anything else is another run, which a state
 * file of its own keeps apart (its "done" users are not this run's).
 */
export interface RunIdentity {
  readonly command: ChangeCommand;
  readonly domain: string;
  readonly flag: string;
  readonly selection: RunSelection;
  readonly writes: RunWrites;
}

/** The identity of the run a command line asks for. `--file` is kept as an absolute path. */
export function runIdentityOf(run: RunArguments, domain: string, flag: string): RunIdentity {
  const skipWaivedSince = toIsoInstant(run.skipWaivedSince);
  const writes: RunWrites = {
    ...(run.temporaryPasswordEnv === undefined ? {} : { temporaryPassword: true }),
    ...(skipWaivedSince === undefined ? {} : { skipWaivedSince }),
    ...(run.revokeSessions ? { revokeSessions: true } : {}),
  };
  return { command: run.command, domain, flag, selection: selectionOf(run), writes };
}

function selectionOf(run: RunArguments): RunSelection {
  if (run.all) return { all: true };
  if (run.connection !== undefined) return { connection: run.connection };
  if (run.query !== undefined) return { query: run.query };
  if (run.file !== undefined) return { file: resolve(run.file) };
  const ids = [...run.userIds].sort();
  return { ids: { count: ids.length, sha256: createHash('sha256').update(ids.join('\n')).digest('hex') } };
}

/** A canonical text of what makes a run, for comparing two. */
const canonical = ({ command, domain, flag, selection, writes }: RunIdentity) =>
  JSON.stringify([command, domain, flag, selection, [writes.temporaryPassword ?? false, writes.skipWaivedSince ?? null, writes.revokeSessions ?? false]]);

/** Whether two identities name the same run. */
export const isSameRun = (a: RunIdentity, b: RunIdentity): boolean => canonical(a) === canonical(b);

/**
 * A run for people, as close to its command line as the state file knows it:
 * `require-change --file "/runs/ids.txt" with a temporary password on acme.eu.auth0.com (flag needsPasswordReset)`.
 */
export function describeRun({ command, domain, flag, selection, writes }: RunIdentity): string {
  const users =
    'ids' in selection
      ? `of ${selection.ids.count} user id${selection.ids.count === 1 ? '' : 's'} given as arguments`
      : 'file' in selection
        ? `--file ${quotePath(selection.file)}`
        : 'query' in selection
          ? `--query ${quote(selection.query, 80)}`
          : 'all' in selection
            ? '--all'
            : `--connection ${selection.connection}`;
  const extras = [
    ...(writes.temporaryPassword === true ? ['with a temporary password'] : []),
    ...(writes.skipWaivedSince === undefined ? [] : [`--skip-waived-since ${writes.skipWaivedSince}`]),
    ...(writes.revokeSessions === true ? ['--revoke-sessions'] : []),
  ];
  // From a file: shown escaped (quote() already escapes what it quotes).
  return escapeControlCharacters(`${command} ${users}${extras.length === 0 ? '' : ` ${extras.join(' ')}`} on ${domain} (flag ${flag})`);
}

/** The JSON a state file keeps of its run (next to `tool` and `version`). */
export const identityRecord = ({ command, domain, flag, selection, writes }: RunIdentity): RunIdentity => ({ command, domain, flag, selection, writes });

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

function parseSelection(value: unknown): RunSelection | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const { ids, file, query, all, connection } = value;
  if (isRecord(ids) && isCount(ids['count']) && typeof ids['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(ids['sha256'])) {
    return { ids: { count: ids['count'] as number, sha256: ids['sha256'] } };
  }
  if (typeof file === 'string') return { file };
  if (typeof query === 'string') return { query };
  if (all === true) return { all: true };
  if (typeof connection === 'string') return { connection };
  return undefined;
}

function parseWrites(value: unknown): RunWrites | undefined {
  if (!isRecord(value)) return undefined;
  const { temporaryPassword, skipWaivedSince, revokeSessions, ...rest } = value;
  // A key this version does not know changes what a run writes in a way it cannot tell: another run.
  if (Object.keys(rest).length > 0) return undefined;
  if (temporaryPassword !== undefined && temporaryPassword !== true) return undefined;
  if (revokeSessions !== undefined && revokeSessions !== true) return undefined;
  if (skipWaivedSince !== undefined && toIsoInstant(skipWaivedSince) === undefined) return undefined;
  return {
    ...(temporaryPassword === true ? { temporaryPassword: true } : {}),
    ...(skipWaivedSince === undefined ? {} : { skipWaivedSince: toIsoInstant(skipWaivedSince) as string }),
    ...(revokeSessions === true ? { revokeSessions: true } : {}),
  };
}

/** The identity a state file records, or `undefined` when it records none that this tool can read. */
export function parseRunIdentity(document: Record<string, unknown>): RunIdentity | undefined {
  const { command, domain, flag } = document;
  if ((command !== 'require-change' && command !== 'waive') || typeof domain !== 'string' || typeof flag !== 'string') return undefined;
  const selection = parseSelection(document['selection']);
  const writes = parseWrites(document['writes']);
  if (selection === undefined || writes === undefined) return undefined;
  return { command, domain, flag, selection, writes };
}
