import { createServer } from 'node:net';

/** A network failure as undici reports it: `TypeError: fetch failed` with the system's code on its cause. */
export const networkFailure = (code: string): TypeError =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

/** A port on 127.0.0.1 that nothing listens on (it did a moment ago): a connection there is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
