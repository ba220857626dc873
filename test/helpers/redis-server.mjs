// A real Redis server for the tests and the benchmark that need one: Debian's `redis-server`
// (`apt-get install -y redis-server`; `.ci/run` installs it when missing), started on a free loopback
// port with nothing saved to disk, and stopped afterwards. Plain JavaScript (typed by
// redis-server.d.mts), so that `npm run bench` runs it with Node alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** What to do on a machine without Redis: said the same way wherever it is needed. */
export const REDIS_MISSING =
  "redis-server is not installed: install Debian's redis-server package (apt-get install -y redis-server), as .ci/run does, or set REDIS_SERVER_PATH";

/** Where `redis-server` is, or `undefined`: `REDIS_SERVER_PATH`, then the `PATH`, then Debian's place. */
export function findRedisServer() {
  const given = process.env.REDIS_SERVER_PATH;
  if (given !== undefined && given !== '') return existsSync(given) ? given : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...dirs.map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server'].find((candidate) => existsSync(candidate));
}

/**
 * Whether the Redis tests run here: in CI (`CI=true`) always — a missing server then fails them with
 * {@link REDIS_MISSING} — and elsewhere when the server is installed; otherwise they are skipped, and
 * the skip says which package to install.
 */
export function redisTestsRun() {
  if (findRedisServer() !== undefined || process.env.CI === 'true') return true;
  console.warn(`[skipping the Redis tests] ${REDIS_MISSING}`);
  return false;
}

/** A port on 127.0.0.1 that was free a moment ago. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether the server on `port` answers PING. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Starts a Redis server on a free loopback port and waits until it answers PING (60 s at most). */
export async function startRedisServer() {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let gone = false;
  const exited = new Promise((resolve) => child.once('exit', () => resolve((gone = true))));
  // Generous: a busy 2-core machine may be slow to start it. Nothing here measures speed.
  for (let tries = 0; tries < 600; tries += 1) {
    if (gone) throw new Error(`redis-server exited at start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    if (await ping(port)) {
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          if (!gone) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within 60 s`);
}
