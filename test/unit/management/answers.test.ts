import { describe, expect, it } from 'vitest';
import { checkConnection, checkExportJob, checkUser, checkUserSearch } from '../../../src/management/answers.js';

/** The Management API's answers, checked: what the library reads from each, and what it refuses. */

const USER_ID = 'auth0|65f0c1';

describe('checkUser', () => {
  it('reads every field as sent, with defaults for a user without app_metadata or identities', () => {
    expect(checkUser({ user_id: USER_ID, created_at: '2026-01-01T00:00:00.000Z', last_password_reset: 7, email: 'ada@example.com' }, USER_ID)).toEqual({
      userId: USER_ID,
      appMetadata: {},
      createdAt: '2026-01-01T00:00:00.000Z',
      lastPasswordReset: 7,
      identities: [],
      email: 'ada@example.com',
    });
  });

  it('keeps the profile fields sent, as sent, and nothing else of the answer (the page’s personal-data rule)', () => {
    const answer = { user_id: USER_ID, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', nickname: 7, user_metadata: { city: 'London' }, logins_count: 3, picture: 'https://…' };
    expect((checkUser(answer, USER_ID) as { profile?: unknown }).profile).toEqual({
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      nickname: 7,
      user_metadata: { city: 'London' },
    });
  });

  it('takes an answer without user_id as about the user asked for (a PATCH may leave it out)', () => {
    expect(checkUser({ app_metadata: { needsPasswordReset: true }, identities: [{ connection: 'db' }] }, USER_ID)).toMatchObject({
      userId: USER_ID,
      appMetadata: { needsPasswordReset: true },
      identities: [{ connection: 'db' }],
    });
  });

  it.each([
    ['not an object', [USER_ID], 'malformed answer: not a user object'],
    ['null', null, 'malformed answer: not a user object'],
    ['about another user', { user_id: 'auth0|other' }, 'malformed answer: it is about another user'],
    ['app_metadata an array', { user_id: USER_ID, app_metadata: ['flag'] }, 'malformed answer: app_metadata is not an object'],
    ['app_metadata a string', { user_id: USER_ID, app_metadata: 'flag' }, 'malformed answer: app_metadata is not an object'],
    ['identities an object', { user_id: USER_ID, identities: { connection: 'db' } }, 'malformed answer: identities is not an array'],
  ])('refuses an answer %s', (_name, answer, problem) => {
    expect(checkUser(answer, USER_ID)).toEqual({ problem });
  });
});

describe('checkUserSearch', () => {
  it('reads the user ids and the total, leaving out entries without a string user_id', () => {
    const answer = { data: [{ user_id: 'auth0|1' }, { user_id: 2 }, 'auth0|3', { user_id: 'auth0|4' }], response: { total: 1234 } };
    expect(checkUserSearch(answer)).toEqual({ userIds: ['auth0|1', 'auth0|4'], total: 1234 });
  });

  it.each([
    ['no list of users', { data: { users: [] }, response: { total: 0 } }, 'malformed answer: no list of users'],
    // Without a total, "0 users" would end a run over an empty selection as a success.
    ['no total', { data: [], response: {} }, 'malformed answer: no total'],
    ['no response', { data: [], response: undefined }, 'malformed answer: no total'],
    ['a negative total', { data: [], response: { total: -1 } }, 'malformed answer: no total'],
    ['a fractional total', { data: [], response: { total: 1.5 } }, 'malformed answer: no total'],
    ['a total as a string', { data: [], response: { total: '3' } }, 'malformed answer: no total'],
  ])('refuses %s', (_name, answer, problem) => {
    expect(checkUserSearch(answer)).toEqual({ problem });
  });
});

describe('checkConnection', () => {
  const database = { id: 'con_1', name: 'Username-Password-Authentication', strategy: 'auth0', options: { passwordPolicy: 'good' } };

  it('finds the connection by its exact name among those answered', () => {
    const other = { ...database, id: 'con_2', name: 'Username-Password' };
    expect(checkConnection([other, database], database.name)).toEqual(database);
  });

  it('keeps options absent when Auth0 leaves them out (a token without read:connections_options)', () => {
    expect(checkConnection([{ id: 'con_1', name: 'db', strategy: 'auth0' }], 'db')).toEqual({ id: 'con_1', name: 'db', strategy: 'auth0', options: undefined });
  });

  it.each([
    ['an empty list', [], 'no database connection has that name'],
    ['only another name', [{ ...database, name: 'other' }], 'no database connection has that name'],
    ['a connection of another strategy', [{ ...database, strategy: 'google-oauth2' }], 'no database connection has that name'],
    ['a connection without an id', [{ ...database, id: 5 }], 'no database connection has that name'],
    ['no list', { connections: [database] }, 'malformed answer: no list of connections'],
    ['options that are not an object', [{ ...database, options: 'strong' }], 'malformed answer: options is not an object'],
  ])('refuses %s', (_name, list, problem) => {
    expect(checkConnection(list, database.name)).toEqual({ problem });
  });
});

describe('checkExportJob', () => {
  const job = { id: 'job_1', status: 'processing', percentage_done: 50, time_left_seconds: 3 };

  it('reads a job, with the link of a completed one', () => {
    expect(checkExportJob(job, 'job_1', [])).toEqual({ id: 'job_1', status: 'processing', location: undefined, percentageDone: 50, timeLeftSeconds: 3, statusDetails: undefined });
    expect(checkExportJob({ id: 'job_1', status: 'completed', location: 'https://cdn.example/x.json.gz' }, 'job_1', [])).toMatchObject({ location: 'https://cdn.example/x.json.gz' });
  });

  it('takes any id from the answer that creates a job, and an empty or null location as none', () => {
    expect(checkExportJob({ ...job, location: '' }, undefined, [])).toMatchObject({ id: 'job_1', location: undefined });
    expect(checkExportJob({ ...job, location: null }, undefined, [])).toMatchObject({ location: undefined });
  });

  it('drops progress figures that are not finite numbers', () => {
    expect(checkExportJob({ ...job, percentage_done: '50', time_left_seconds: Number.NaN }, 'job_1', [])).toMatchObject({ percentageDone: undefined, timeLeftSeconds: undefined });
  });

  it('shows a failed job’s details shortened, redacted and with control characters escaped', () => {
    const secret = 'client-secret-9f2';
    const details = `failed with ${secret}\u001b[2J${'x'.repeat(300)}`;
    const checked = checkExportJob({ id: 'job_1', status: 'failed', status_details: details }, 'job_1', [secret]);
    expect(checked).toMatchObject({ status: 'failed' });
    const start = 'failed with [redacted]\\x1b[2J';
    expect((checked as { statusDetails: string }).statusDetails).toBe(`${start}${'x'.repeat(200 - start.length)}`);
    expect(checkExportJob({ ...job, status_details: '' }, 'job_1', [])).toMatchObject({ statusDetails: undefined });
  });

  it.each([
    ['not an object', 'job_1', 'malformed answer: not a job'],
    ['no id', { status: 'pending' }, "malformed answer: no job id, or another job's"],
    ['an empty id', { id: '', status: 'pending' }, "malformed answer: no job id, or another job's"],
    ['another job’s id', { id: 'job_2', status: 'pending' }, "malformed answer: no job id, or another job's"],
    ['no status', { id: 'job_1' }, 'malformed answer: no job status'],
    ['a location that is not a string', { id: 'job_1', status: 'completed', location: { url: 'https://cdn.example' } }, 'malformed answer: location is not a string'],
  ])('refuses %s', (_name, answer, problem) => {
    expect(checkExportJob(answer, 'job_1', [])).toEqual({ problem });
  });
});
