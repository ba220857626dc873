#!/usr/bin/env node
// The `auth0-force-password-reset` command: runCli with the process's values. SIGINT stops the run
// after the users in progress (the state file is then up to date); a second one quits at once (the
// journal already holds every finished user, and the next run takes over the lock left behind).
import { runCli } from './run-cli.js';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping after the users in progress (Ctrl-C again to quit at once)…\n');
  interrupt.abort();
});

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`auth0-force-password-reset: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
