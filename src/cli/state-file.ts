import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { UserOutcome } from '../admin/report.js';
import { quote, UsageError, type CliCommand } from './parse-arguments.js';

/** Which run a state file belongs to: a re-run must be the same command, on the same tenant and flag. */
export interface RunIdentity {
  readonly command: CliCommand;
  readonly domain: string;
  readonly flag: string;
}

/** What the state file keeps of one user. Never a password, a secret or a token. */
export interface StateEntry {
  readonly status: UserOutcome['status'];
  /** When the outcome was recorded, ISO 8601. */
  readonly at: string;
  /** `skipped`: why. */
  readonly reason?: string;
  /** `failed`: the error message. */
  readonly error?: string;
}

interface StateDocument extends RunIdentity {
  readonly tool: typeof TOOL;
  readonly version: 1;
  readonly users: Record<string, StateEntry>;
}

/** A run's state file, loaded. */
export interface StateFile {
  readonly path: string;
  /** Users a previous run finished (done or skipped): a re-run leaves them alone. Failed ones are retried. */
  readonly finished: ReadonlySet<string>;
  /** Records one user's outcome and writes the file at once, atomically. */
  record(outcome: UserOutcome, message: string | undefined): Promise<void>;
  /** Writes the file as it is (to learn early that it cannot be written). */
  save(): Promise<void>;
}

const TOOL = 'auth0-force-password-reset';

function isStateDocument(value: unknown): value is StateDocument {
  if (typeof value !== 'object' || value === null) return false;
  const document = value as Partial<StateDocument>;
  return (
    document.tool === TOOL &&
    document.version === 1 &&
    typeof document.users === 'object' &&
    document.users !== null &&
    !Array.isArray(document.users)
  );
}

/**
 * Opens (or starts) the state file of a run. Writes replace the file through a rename, so an
 * interruption leaves either the previous or the next version, never half of one.
 *
 * @throws UsageError when the file is not a state file of this tool, or belongs to another run.
 */
export async function openStateFile(
  path: string,
  identity: RunIdentity,
  options: { readonly now: () => number },
): Promise<StateFile> {
  let document: StateDocument = { tool: TOOL, version: 1, ...identity, users: {} };
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') {
      throw new UsageError(`cannot read --state ${quote(path, 80)}: ${String((error as { code?: unknown }).code ?? error)}`);
    }
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isStateDocument(parsed)) {
      throw new UsageError(`--state ${quote(path, 80)} is not a state file of this tool; give a new path, or remove the file`);
    }
    for (const key of ['command', 'domain', 'flag'] as const) {
      if (parsed[key] !== identity[key]) {
        throw new UsageError(
          `--state ${quote(path, 80)} belongs to another run (${parsed.command} on ${parsed.domain}, flag ${parsed.flag}); use another file for ${identity.command} on ${identity.domain}, flag ${identity.flag}`,
        );
      }
    }
    document = { ...parsed, users: { ...parsed.users } };
  }
  const finished = new Set(
    Object.entries(document.users)
      .filter(([, entry]) => entry?.status === 'done' || entry?.status === 'skipped')
      .map(([userId]) => userId),
  );

  async function save(): Promise<void> {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw error;
    }
  }

  return {
    path,
    finished,
    save,
    async record(outcome, message) {
      const at = new Date(options.now()).toISOString();
      const entry: StateEntry =
        outcome.status === 'skipped'
          ? { status: 'skipped', at, reason: outcome.reason }
          : outcome.status === 'failed'
            ? { status: 'failed', at, error: message ?? outcome.error.message }
            : { status: 'done', at };
      document = { ...document, users: { ...document.users, [outcome.userId]: entry } };
      await save();
    },
  };
}
