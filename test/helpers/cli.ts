import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import type { StateFileSystem } from '../../src/cli/state-file-system.js';
import type { LocalTenant } from '../../src/testing/local-tenant/index.js';
import { tenantTest } from './local-tenant.js';

/** The temporary password the CLI tests set, from `$TEMP_PASSWORD`. */
export const TEMPORARY_PASSWORD = 'Temp-0rary-Passw0rd!';

/** What the CLI adds after every usage error. */
export const USAGE_HINT = 'Run auth0-force-password-reset --help for the usage.';

/** One run of the CLI in-process. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every wait the tool asked for, in ms (the tests do not wait). */
  sleeps: number[];
}

/** How to run the CLI; every option has a default that reaches the tenant. */
export interface CliOptions {
  /** @default the tenant's secrets and `TEMP_PASSWORD` */
  env?: Record<string, string | undefined>;
  /** @default the tenant's fetch */
  fetch?: typeof globalThis.fetch;
  tty?: boolean;
  signal?: AbortSignal;
  /** Epoch milliseconds the tool reads (`<flag>At`, the state file's and its lock's times). */
  now?: () => number;
  stateFileSystem?: StateFileSystem;
  /** Told of every wait the tool asks for, after it is recorded (a test's fake clock can move by it). */
  onSleep?: (ms: number) => void;
}

/** Runs the tool in-process against `tenant`, with the tenant's credentials in the environment. */
export async function runCliOn(tenant: LocalTenant, argv: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  // A clock that moves only when the tool waits: pacing is then exact and independent of load.
  let monotonic = 0;
  const code = await runCli(argv, {
    env: options.env ?? { ...tenant.secrets, TEMP_PASSWORD: TEMPORARY_PASSWORD },
    fetch: options.fetch ?? tenant.fetch,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false, columns: 120 },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      monotonic += ms;
      options.onSleep?.(ms);
    },
    monotonic: () => monotonic,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.stateFileSystem === undefined ? {} : { stateFileSystem: options.stateFileSystem }),
  });
  return { code, stdout, stderr, sleeps };
}

/** A state file as the CLI writes it. */
export interface StateFile {
  command: string;
  domain: string;
  flag: string;
  /** The users the run selected, as given. */
  selection: Record<string, unknown>;
  /** The options that change what the run writes. */
  writes: Record<string, unknown>;
  users: Record<string, { status: string; at: string; reason?: string; error?: string }>;
}

/** Reads and parses a state file. */
export const readState = (path: string): StateFile => JSON.parse(readFileSync(path, 'utf8')) as StateFile;

/**
 * {@link tenantTest} with `cli(argv, options)`, the tool run in-process against the tenant, and `dir`, an
 * empty folder of the test's own (for state and id files), removed after it.
 */
export const cliTest = tenantTest.extend<{
  dir: string;
  cli: (argv: string[], options?: CliOptions) => Promise<CliRun>;
}>({
  dir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'afpr-cli-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  cli: async ({ tenant }, use) => {
    await use((argv, options) => runCliOn(tenant, argv, options));
  },
});
