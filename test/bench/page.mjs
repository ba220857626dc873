// `npm run bench`, section 5: the change-password page. Time to render the form (GET) and to answer a
// POST, with the Management API round trip taken out (a transport that answers at once), and the size
// of what the browser gets. Run in this process: the page is a plain (Request) => Response function.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';

const KEY = 'a-benchmark-session-key-of-at-least-32-bytes';
const DOMAIN = 'acme.auth0.test';

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(claims) {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
}
function session(index) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ iat, iss: DOMAIN, sub: `auth0|${index}`, exp: iat + 600, purpose: 'afpr:change-password', connection: 'Username-Password-Authentication', email: 'ada@example.com', flag: 'needsPasswordReset', since: new Date().toISOString(), reason: 'first-login' });
}

/** A Management API that answers at once: the token, and the PATCH of a password. */
const instantApi = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/oauth/token')) return Response.json({ access_token: 'x.y.z', token_type: 'Bearer', expires_in: 86_400, scope: 'update:users' });
  const userId = decodeURIComponent(url.split('/users/')[1] ?? '');
  return Response.json({ user_id: userId, last_password_reset: new Date().toISOString(), app_metadata: {} }, { status: init?.method === 'PATCH' ? 200 : 404 });
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function pageBenchmark(dist) {
  const { createChangePasswordPage } = await import(join(dist, 'page.js'));
  const page = createChangePasswordPage({ domain: DOMAIN, clientId: 'id', clientSecret: 'secret', sessionSecret: KEY, passwordPolicy: { level: 'good' }, fetch: instantApi, log: false });
  const get = (index) => page(new Request(`https://page.example.test/change-password?session_token=${session(index)}&state=s`));
  const post = (index) =>
    page(new Request('https://page.example.test/change-password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_token: session(index), state: 's', password: 'Brand-New-Passw0rd', confirm: 'Brand-New-Passw0rd' }),
    }));
  // Warm up (and load the auth0 SDK) before measuring.
  for (let i = 0; i < 200; i += 1) await (await post(i)).text();
  const gets = [];
  const posts = [];
  for (let i = 0; i < 2000; i += 1) {
    let started = performance.now();
    const form = await get(i);
    await form.text();
    gets.push(performance.now() - started);
    started = performance.now();
    const done = await post(10_000 + i);
    await done.text();
    posts.push(performance.now() - started);
  }
  const formHtml = await (await get(1)).text();
  const continueHtml = await (await post(99_999)).text();
  return {
    getMedianMs: Number(median(gets).toFixed(3)),
    postMedianMs: Number(median(posts).toFixed(3)),
    formBytes: Buffer.byteLength(formHtml),
    continueBytes: Buffer.byteLength(continueHtml),
    formHasScript: /<script/i.test(formHtml),
    externalAssets: /\b(?:src|href)=/i.test(formHtml + continueHtml),
  };
}
