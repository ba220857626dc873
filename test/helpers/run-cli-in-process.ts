import { runCli } from '../../src/cli/run-cli.js';
import type { StateFileSystem } from '../../src/cli/state-file-system.js';
import type { LocalTenant } from '../../src/testing/local-tenant/index.js';

/** What a run of the command-line tool printed and asked for. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every wait the tool asked for, in ms (the tests do not wait). */
  sleeps: number[];
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
  tty?: boolean;
  signal?: AbortSignal;
  /** Epoch milliseconds the tool reads (`<flag>At`, the state file's and its lock's times). */
  now?: () => number;
  stateFileSystem?: StateFileSystem;
}

/**
 * Runs the tool in-process against a local tenant, with the tenant's credentials in the
 * environment (and `TEMP_PASSWORD` set to `temporaryPassword`), on a clock that moves only when the
 * tool waits: pacing is then exact and independent of load, and no wait is spent.
 */
export async function runCliAgainst(tenant: LocalTenant, argv: string[], options: CliOptions = {}, temporaryPassword = 'Temp-0rary-Passw0rd!'): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  let monotonic = 0;
  const code = await runCli(argv, {
    env: options.env ?? { ...tenant.secrets, TEMP_PASSWORD: temporaryPassword },
    fetch: options.fetch ?? tenant.fetch,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false, columns: 120 },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      monotonic += ms;
    },
    monotonic: () => monotonic,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.stateFileSystem === undefined ? {} : { stateFileSystem: options.stateFileSystem }),
  });
  return { code, stdout, stderr, sleeps };
}
