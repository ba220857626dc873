/**
 * Whether a host name is this machine's: `localhost`, `127.x.x.x` or `[::1]`. Only there may a URL
 * or a tenant domain use plain HTTP — for a local rehearsal, never for a real tenant or page.
 */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
