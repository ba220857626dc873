/**
 * `npm run demo`: the whole lifecycle of a forced password change, on a local stand-in for an Auth0
 * tenant — no Auth0 account, no credentials, nothing to configure.
 *
 * The post-login gate and the post-change-password clearer run exactly as they would in Auth0; the
 * clearer reaches the tenant's Management API through the real `auth0` SDK over HTTP on 127.0.0.1.
 * Every step checks what it prints: if one does not behave as described, it is marked ✘ and the demo
 * exits with code 1 (CI runs it as a smoke test).
 *
 * The inline change (the gate's `changePasswordPage`) runs over HTTP as a browser would go through it —
 * the tenant's /authorize, the page, /continue, the code — in process, through `tenant.fetch`.
 *
 * DEMO_SABOTAGE=1 runs the gate in report mode (it decides but never denies), to prove that the demo
 * does fail when the library misbehaves.
 */

// This script uses the freshly built package. In your own repo you would import the package name:
//   import { createFirstLoginGate, createPasswordResetClearer } from 'auth0-force-password-reset';
//   import { createChangePasswordPage } from 'auth0-force-password-reset/page';
//   import { startLocalTenant } from 'auth0-force-password-reset/testing';
import { randomBytes } from 'node:crypto';
import { createFirstLoginGate, createPasswordResetClearer, VERSION } from '../dist/index.js';
import { createChangePasswordPage } from '../dist/page.js';
import { startLocalTenant } from '../dist/testing.js';

const FLAG = 'needsPasswordReset';
const MESSAGE = 'Please reset your password!';
const sabotage = process.env.DEMO_SABOTAGE === '1';

/** The handlers' log entries (they would go to the tenant logs): the latest one explains each step. */
const logEntries = [];
const log = (entry) => void logEntries.push(entry);
const lastReason = (trigger) => {
  const entry = logEntries.findLast((candidate) => candidate.trigger === trigger);
  return entry === undefined ? '' : `  [${trigger === 'post-login' ? 'gate' : 'clearer'}: ${entry.reason}]`;
};

const onExecutePostLogin = createFirstLoginGate({ log, ...(sabotage ? { mode: 'report' } : {}) });

let stepCount = 0;
let failedCount = 0;

/**
 * Runs one step. `run` returns `{ line, problem? }`: the line to print and, when the step did not behave
 * as the line says, what happened instead.
 */
async function step(run) {
  stepCount += 1;
  let line;
  let problem;
  try {
    ({ line, problem } = await run());
  } catch (error) {
    line = `step ${stepCount}`;
    problem = `it threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  if (problem === undefined) {
    console.log(`  ✔ ${line}`);
  } else {
    failedCount += 1;
    console.log(`  ✘ ${line} — but ${problem}`);
  }
}

const describeLogin = (outcome) =>
  outcome.allowed ? 'allowed' : outcome.error ?? `denied "${outcome.deniedWith}"`;

/** `undefined` when the login went as expected, otherwise what happened. */
function loginProblem(outcome, expected) {
  const wanted = expected === 'allowed' ? 'allowed' : `denied "${MESSAGE}"`;
  const got = describeLogin(outcome);
  return got === wanted ? undefined : `the login was ${got}`;
}

// The clearer's M2M application gets the narrowest scopes that do the job, as the README asks.
const tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
try {
  // One clearer, as one Action instance would be; it reaches the tenant only through `tenant.fetch`.
  const onExecutePostChangePassword = createPasswordResetClearer({ fetch: tenant.fetch, log });
  const flagOf = (userId) => tenant.users.get(userId)?.app_metadata[FLAG];
  const nameOf = (user) => user.email.slice(0, user.email.indexOf('@'));
  const login = (user) => tenant.runLogin(user.user_id, onExecutePostLogin);

  console.log(`auth0-force-password-reset ${VERSION} — demo on a local Auth0 tenant at ${tenant.domain}`);
  console.log('post-login: createFirstLoginGate()   post-change-password: createPasswordResetClearer(), auth0 SDK over HTTP');
  if (sabotage) console.log('DEMO_SABOTAGE=1: the gate runs in report mode and never denies — this run must fail');

  // —— The lifecycle ——————————————————————————————————————————————————————————————————————————————
  console.log('\nThe lifecycle');
  const ada = tenant.users.create({ email: 'ada@example.com', password: 'Initial-Passw0rd' });
  await step(() => ({
    line: `An administrator creates ${ada.email} with an initial password (${ada.identities[0].connection})`,
    problem: flagOf(ada.user_id) === undefined ? undefined : `the new user already has ${FLAG}`,
  }));

  await step(async () => {
    const outcome = await login(ada);
    return {
      line: `${nameOf(ada)}'s 1st login (logins_count ${outcome.event.stats.logins_count}) is denied: "${MESSAGE}" — ${FLAG} = true${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'denied') ?? (flagOf(ada.user_id) === true ? undefined : `${FLAG} is ${flagOf(ada.user_id)}`),
    };
  });

  await step(async () => {
    const outcome = await login(ada);
    return {
      line: `${nameOf(ada)}'s 2nd login is denied again: the flag holds${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'denied'),
    };
  });

  let adaChange;
  await step(() => {
    adaChange = tenant.runPasswordChange(ada.user_id, 'Ada-Chose-This-1', onExecutePostChangePassword);
    return {
      line: `${nameOf(ada)} sets a new password (last_password_reset ${adaChange.changedAt}); post-change-password runs in the background`,
      problem: tenant.users.verifyPassword(ada.user_id, 'Ada-Chose-This-1') ? undefined : 'the password did not change',
    };
  });

  await step(async () => {
    const before = tenant.counts();
    const completion = await adaChange.completion;
    const after = tenant.counts();
    const calls = `token ${after.token - before.token}, read ${after.getUser - before.getUser}, patch ${after.patchUser - before.patchUser}`;
    return {
      line: `The clearer reads ${nameOf(ada)} through the Management API (${calls}) and sets ${FLAG} = false${lastReason('post-change-password')}`,
      problem: !completion.ok
        ? `it failed: ${completion.error.message}`
        : flagOf(ada.user_id) === false ? undefined : `${FLAG} is ${flagOf(ada.user_id)}`,
    };
  });

  await step(async () => {
    const outcome = await login(ada);
    return { line: `${nameOf(ada)}'s next login is allowed${lastReason('post-login')}`, problem: loginProblem(outcome, 'allowed') };
  });

  // —— Inside the sign-in: the change-password page ———————————————————————————————————————————————————
  // A second tenant, so that "What it cost" above counts the recipe's lifecycle alone. Its clearer keeps
  // the narrowest scopes; the page has an M2M application of its own that may set passwords.
  console.log('\nInside the sign-in: the change-password page (changePasswordPage), over HTTP as a browser meets it');
  const pageTenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
  try {
    const APP_CALLBACK = 'https://app.example.test/callback';
    const PAGE_URL = 'https://account.example.test/change-password';
    const pageKey = randomBytes(48).toString('base64url');
    const pageClient = pageTenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options', 'read:sessions', 'delete:sessions', 'delete:refresh_tokens'] });
    const page = createChangePasswordPage({ domain: pageTenant.domain, clientId: pageClient.clientId, clientSecret: pageClient.clientSecret, sessionSecret: pageKey, fetch: pageTenant.fetch, log: false });
    const pageGate = createFirstLoginGate({ log, changePasswordPage: { url: PAGE_URL }, ...(sabotage ? { mode: 'report' } : {}) });
    pageTenant.bindActions({
      postLogin: { onExecutePostLogin: pageGate, onContinuePostLogin: pageGate.onContinuePostLogin },
      postChangePassword: createPasswordResetClearer({ log }),
      secrets: { CHANGE_PASSWORD_PAGE_SECRET: pageKey },
    });
    const flagOf = (userId) => pageTenant.users.get(userId)?.app_metadata[FLAG];
    const authorizeQuery = new URLSearchParams({ client_id: pageTenant.appClientId, redirect_uri: APP_CALLBACK, response_type: 'code', scope: 'openid email', state: 'app-state' });
    /** The browser: a request through the tenant's fetch or to the page, redirects not followed. */
    const browse = (url, init = {}) =>
      new URL(url).origin === new URL(PAGE_URL).origin ? page(new Request(url, init)) : pageTenant.fetch(url, { ...init, redirect: 'manual' });
    const postForm = (url, fields) => browse(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const signIn = (email, password) => postForm(`${pageTenant.origin}/authorize?${authorizeQuery}`, { email, password });
    const locationOf = (response) => (response.status === 302 ? new URL(response.headers.get('location')) : undefined);
    const decode = (text) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    /** A form of a page: where it posts, and its fields. */
    const formIn = (html) => {
      const action = /<form\b[^>]*\baction="([^"]*)"/.exec(html)?.[1];
      const fields = {};
      for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
        const name = /\bname="([^"]*)"/.exec(tag)?.[1];
        if (name !== undefined) fields[name] = decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
      }
      return { action: action === undefined ? undefined : decode(action), fields };
    };
    /** The first alert of a page, as text: a sentence, or an intro and the rules it lists. */
    const alertIn = (html) =>
      decode((/<(p|div)\b[^>]*\brole="alert"[^>]*>([\s\S]*?)<\/\1>/.exec(html)?.[2] ?? '').replace(/<\/li><li>/g, '; ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

    // The connection remembers the last 5 passwords: Auth0 refuses a reused one (PasswordHistoryError).
    pageTenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordHistorySize: 5 });
    const erin = pageTenant.users.create({ email: 'erin@example.com', password: 'Initial-Passw0rd' });
    let atPage;
    await step(async () => {
      const response = await signIn(erin.email, 'Initial-Passw0rd');
      atPage = locationOf(response);
      const landed = atPage === undefined ? `HTTP ${response.status} ${locationOf(response) ?? ''}` : `${atPage.origin}${atPage.pathname}`;
      return {
        line: `${erin.email} signs in (POST /authorize) for the first time: no denial — the browser goes to ${PAGE_URL}?session_token=…&state=…, ${FLAG} = true saved first${lastReason('post-login')}`,
        problem:
          landed !== PAGE_URL
            ? `it went to ${atPage === undefined ? landed : `${atPage.origin}${atPage.pathname}${atPage.searchParams.has('error') ? ` (${atPage.searchParams.get('error_description')})` : ''}`}`
            : flagOf(erin.user_id) === true ? undefined : `${FLAG} is ${flagOf(erin.user_id)}`,
      };
    });

    let pageForm = { fields: {} };
    await step(async () => {
      const response = atPage === undefined ? undefined : await browse(atPage.href);
      pageForm = response === undefined ? pageForm : formIn(await response.text());
      const fields = Object.keys(pageForm.fields).sort().join(', ');
      return {
        line: `The page shows its form (GET: ${response?.status}; fields ${fields})`,
        problem: response?.status === 200 && ['confirm', 'password', 'session_token', 'state'].every((name) => name in pageForm.fields) ? undefined : `it answered ${response?.status} with fields ${fields}`,
      };
    });

    await step(async () => {
      const response = await postForm(atPage?.href ?? PAGE_URL, { ...pageForm.fields, password: 'password', confirm: 'password' });
      const reason = alertIn(await response.text());
      return {
        line: `${nameOf(erin)} tries "password": the page refuses it on the same form, with the connection's rule (${response.status}: "${reason}")`,
        problem: response.status === 400 && reason !== '' && pageTenant.users.verifyPassword(erin.user_id, 'Initial-Passw0rd') ? undefined : `the page answered ${response.status}`,
      };
    });

    await step(async () => {
      const before = pageTenant.counts().patchUser;
      const response = await postForm(atPage?.href ?? PAGE_URL, { ...pageForm.fields, password: 'Initial-Passw0rd', confirm: 'Initial-Passw0rd' });
      const reason = alertIn(await response.text());
      return {
        line: `${nameOf(erin)} tries her initial password again: Auth0 refuses it (password history), and the page shows Auth0's reason inline (${response.status}: "${reason}")`,
        problem: response.status === 400 && pageTenant.counts().patchUser === before + 1 && /history|previously/i.test(reason) ? undefined : `the page answered ${response.status} after ${pageTenant.counts().patchUser - before} PATCH`,
      };
    });

    let backToAuth0;
    await step(async () => {
      const response = await postForm(atPage?.href ?? PAGE_URL, { ...pageForm.fields, password: 'Erin-Chose-This-1', confirm: 'Erin-Chose-This-1' });
      backToAuth0 = formIn(await response.text());
      const target = backToAuth0.action === undefined ? undefined : new URL(backToAuth0.action);
      return {
        line: `${nameOf(erin)} sets "Erin-Chose-This-1": the page sets it (Management API PATCH) and answers a form that POSTs a new session_token to ${target?.origin}${target?.pathname}?state=… by itself`,
        problem:
          !pageTenant.users.verifyPassword(erin.user_id, 'Erin-Chose-This-1')
            ? `the password did not change (the page answered ${response.status})`
            : target?.pathname === '/continue' && 'session_token' in backToAuth0.fields ? undefined : 'there is no form to /continue',
      };
    });

    await step(async () => {
      // post-change-password ran in the background after the PATCH: the clearer.
      const [run] = pageTenant.triggeredPasswordChanges;
      const completion = run === undefined ? { ok: false, error: new Error('post-change-password did not run') } : await run.completion;
      return {
        line: `Auth0 ran post-change-password after that PATCH: the clearer sets ${FLAG} = false${lastReason('post-change-password')}`,
        problem: !completion.ok ? `it failed: ${completion.error.message}` : flagOf(erin.user_id) === false ? undefined : `${FLAG} is ${flagOf(erin.user_id)}`,
      };
    });

    let code;
    await step(async () => {
      const response = backToAuth0.action === undefined ? undefined : await postForm(backToAuth0.action, backToAuth0.fields);
      const back = response === undefined ? undefined : locationOf(response);
      code = back?.searchParams.get('code') ?? undefined;
      return {
        line: `The browser POSTs it to /continue: onContinuePostLogin checks the page's token and the login goes on — 302 to the application with a code${lastReason('post-login')}`,
        problem: code !== undefined ? undefined : `the application got ${back === undefined ? `HTTP ${response?.status}` : back.search}`,
      };
    });

    await step(async () => {
      const response = await pageTenant.fetch(`${pageTenant.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: pageTenant.appClientId, code: code ?? '', redirect_uri: APP_CALLBACK }),
      });
      const { id_token: idToken } = await response.json();
      const claims = typeof idToken === 'string' ? JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8')) : {};
      return {
        line: `The application redeems the code: signed in as ${claims.email} (logins_count ${pageTenant.users.get(erin.user_id)?.logins_count})`,
        problem: claims.sub === erin.user_id ? undefined : `the token endpoint answered ${response.status}`,
      };
    });

    await step(async () => {
      const back = locationOf(await signIn(erin.email, 'Erin-Chose-This-1'));
      return {
        line: `${nameOf(erin)}'s next sign-in goes straight to the application${lastReason('post-login')}`,
        problem: back?.searchParams.has('code') ? undefined : `it went to ${back?.origin}${back?.pathname}`,
      };
    });
  } finally {
    await pageTenant.close();
  }

  // —— What the usual recipe gets wrong ———————————————————————————————————————————————————————————
  console.log('\nWhat the usual recipe gets wrong');

  const grace = tenant.users.create({ email: 'grace@example.com', connection: 'google-oauth2' });
  await step(async () => {
    const outcome = await login(grace);
    return {
      line: `${grace.email} signs in with Google for the first time: allowed and never flagged — she has no Auth0 password to change${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'allowed') ?? (flagOf(grace.user_id) === undefined ? undefined : `${FLAG} was set`),
    };
  });

  const bob = tenant.users.create({ email: 'bob@example.com' });
  await step(async () => {
    const completion = await tenant.runPasswordChange(bob.user_id, 'Bob-Chose-This-1', onExecutePostChangePassword).completion;
    return {
      line: `${bob.email} uses "forgot password" before his first login${lastReason('post-change-password')}`,
      problem: completion.ok ? undefined : `the clearer failed: ${completion.error.message}`,
    };
  });
  await step(async () => {
    const outcome = await login(bob);
    return {
      line: `${nameOf(bob)}'s 1st login is allowed: he already chose his own password${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'allowed') ?? (flagOf(bob.user_id) === undefined ? undefined : `${FLAG} was set`),
    };
  });

  const carol = tenant.users.create({ email: 'carol@example.com' });
  await step(async () => {
    const outcome = await login(carol);
    return {
      line: `${carol.email}'s 1st login is denied and flagged${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'denied') ?? (flagOf(carol.user_id) === true ? undefined : `${FLAG} is ${flagOf(carol.user_id)}`),
    };
  });
  await step(async () => {
    tenant.faults.serverError('any', { times: 20 });
    // Two attempts keep the demo fast (the defaults retry for up to 12 s); the deadline is long enough that
    // a busy machine cannot cut the second one short.
    const impatientClearer = createPasswordResetClearer({ fetch: tenant.fetch, log, maxAttempts: 2, deadlineMs: 5_000 });
    const completion = await tenant.runPasswordChange(carol.user_id, 'Carol-Chose-This-1', impatientClearer).completion;
    tenant.faults.clear();
    const { error } = completion;
    const why = error === undefined ? '' : error.step === undefined ? error.message : `${error.step}: HTTP ${error.status} after ${error.attempts} attempts`;
    return {
      line: `${nameOf(carol)} sets a new password, but the Management API answers 503: the clearer fails (${why}) and ${FLAG} stays true`,
      problem: completion.ok
        ? 'the clearer succeeded'
        : flagOf(carol.user_id) === true ? undefined : `${FLAG} is ${flagOf(carol.user_id)}`,
    };
  });
  await step(async () => {
    const outcome = await login(carol);
    return {
      line: `${nameOf(carol)}'s next login is allowed: the gate sees the password change and sets ${FLAG} = false itself${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'allowed') ?? (flagOf(carol.user_id) === false ? undefined : `${FLAG} is ${flagOf(carol.user_id)}`),
    };
  });

  let adminChange;
  await step(() => {
    adminChange = tenant.runPasswordChange(ada.user_id, 'Temp-0rary-Passw0rd', onExecutePostChangePassword, { by: 'administrator' });
    // The administrator flags her right after setting the password, before the trigger has run.
    tenant.users.updateAppMetadata(ada.user_id, { [FLAG]: true, [`${FLAG}At`]: tenant.now().toISOString() });
    return {
      line: `An administrator sets a temporary password for ${nameOf(ada)}, then flags her again`,
      problem: flagOf(ada.user_id) === true ? undefined : `${FLAG} is ${flagOf(ada.user_id)}`,
    };
  });
  await step(async () => {
    const completion = await adminChange.completion;
    return {
      line: `The clearer leaves that flag alone: it was set after the password change${lastReason('post-change-password')}`,
      problem: !completion.ok
        ? `it failed: ${completion.error.message}`
        : flagOf(ada.user_id) === true ? undefined : `it set ${FLAG} to ${flagOf(ada.user_id)}`,
    };
  });
  await step(async () => {
    const outcome = await login(ada);
    return {
      line: `${nameOf(ada)}'s next login is denied: "${MESSAGE}" — the administrator's flag holds${lastReason('post-login')}`,
      problem: loginProblem(outcome, 'denied'),
    };
  });

  // —— Beyond the recipe: the reset link comes by email ——————————————————————————————————————————————
  console.log('\nBeyond the recipe: the reset link comes by email (sendResetEmail)');
  const emailGate = createFirstLoginGate({ log, sendResetEmail: true, fetch: tenant.fetch, ...(sabotage ? { mode: 'report' } : {}) });
  const EMAIL_SENT = 'Please reset your password! We have emailed you a link to set a new password.';
  const dave = tenant.users.create({ email: 'dave@example.com' });
  await step(async () => {
    const outcome = await tenant.runLogin(dave.user_id, emailGate);
    const emails = tenant.resetEmails.filter((email) => email.userId === dave.user_id);
    return {
      line: `${dave.email}'s 1st login is denied: "${EMAIL_SENT}" — Auth0 emailed him a reset link${lastReason('post-login')}`,
      problem:
        outcome.deniedWith !== EMAIL_SENT
          ? `the login was ${describeLogin(outcome)}`
          : emails.length === 1 ? undefined : `${emails.length} emails were sent`,
    };
  });
  await step(async () => {
    const outcome = await tenant.runLogin(dave.user_id, emailGate);
    const emails = tenant.resetEmails.filter((email) => email.userId === dave.user_id);
    return {
      line: `${nameOf(dave)} tries again at once: denied, and no second email within the 15-minute cooldown`,
      problem: outcome.allowed ? 'the login was allowed' : emails.length === 1 ? undefined : `${emails.length} emails were sent`,
    };
  });
  await step(async () => {
    const [email] = tenant.resetEmails.filter((sent) => sent.userId === dave.user_id);
    if (email === undefined) return { line: `${nameOf(dave)} follows the link in the email`, problem: 'there is no email' };
    const completion = await tenant.redeemResetLink(email.link, 'Dave-Chose-This-1', onExecutePostChangePassword).completion;
    return {
      line: `${nameOf(dave)} follows the link (${email.link.replace(/ticket=[^#]+/, 'ticket=…')}) and sets a new password; the clearer sets ${FLAG} = false${lastReason('post-change-password')}`,
      problem: !completion.ok
        ? `the clearer failed: ${completion.error.message}`
        : flagOf(dave.user_id) === false ? undefined : `${FLAG} is ${flagOf(dave.user_id)}`,
    };
  });
  await step(async () => {
    const outcome = await tenant.runLogin(dave.user_id, emailGate);
    return { line: `${nameOf(dave)}'s next login is allowed${lastReason('post-login')}`, problem: loginProblem(outcome, 'allowed') };
  });

  // —— What it cost ————————————————————————————————————————————————————————————————————————————
  console.log('');
  await step(() => {
    const counts = tenant.counts();
    const { token, getUser, patchUser } = counts;
    const failedReads = tenant.requests.filter((request) => request.route === 'getUser' && request.status === 503).length;
    // 5 clearer runs, 6 reads (carol's was tried twice), 2 writes: the clearer writes only a flag it clears.
    const expected = { token: 1, getUser: 6, patchUser: 2 };
    const off = Object.entries(expected).filter(([route, count]) => counts[route] !== count);
    return {
      line: `Management API requests: token ${token}, read ${getUser} (${failedReads} answered 503), patch ${patchUser} — one token, shared through api.cache`,
      problem: off.length === 0 ? undefined : `expected ${off.map(([route, count]) => `${route} ${count}`).join(', ')}`,
    };
  });
} finally {
  await tenant.close();
}

if (failedCount === 0) {
  console.log(`\n✔ All ${stepCount} steps behaved as described.`);
} else {
  console.log(`\n✘ ${failedCount} of ${stepCount} steps did not behave as described.`);
  process.exitCode = 1;
}
