/**
 * `npm run demo`: the whole lifecycle of a forced password change, on a local stand-in for an Auth0
 * tenant — no Auth0 account, no credentials, nothing to configure.
 *
 * The post-login gate and the post-change-password clearer run exactly as they would in Auth0; the
 * clearer reaches the tenant's Management API through the real `auth0` SDK over HTTP on 127.0.0.1.
 * Every step checks what it prints: if one does not behave as described, it is marked ✘ and the demo
 * exits with code 1 (CI runs it as a smoke test).
 *
 * DEMO_SABOTAGE=1 runs the gate in report mode (it decides but never denies), to prove that the demo
 * does fail when the library misbehaves.
 */

// This script uses the freshly built package. In your own repo you would import the package name:
//   import { createFirstLoginGate, createPasswordResetClearer } from 'auth0-force-password-reset';
//   import { startLocalTenant } from 'auth0-force-password-reset/testing';
import { createFirstLoginGate, createPasswordResetClearer, VERSION } from '../dist/index.js';
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
