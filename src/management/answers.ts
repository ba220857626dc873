import { escapeControlCharacters } from '../internal/control-characters.js';
import { isRecord } from '../obligation/obligation.js';
import { redact } from './management-api-failure.js';

/**
 * The Management API's answers, checked before anyone relies on them: a user, a page of a user
 * search, a database connection, a users-export job. Each check returns the answer as the library
 * reads it, or the problem that makes it unusable (`malformed answer: …`), which the client reports
 * as a failure of the step that asked.
 */

/** Why an answer cannot be used, as a failure's `reason` says it. */
export interface AnswerProblem {
  readonly problem: string;
}

/** The fields of a user the library reads. */
export type UserField = 'app_metadata' | 'created_at' | 'last_password_reset' | 'identities' | 'email' | ProfileField;

/**
 * The profile fields the change-password page may read, for a policy's personal-data rule: Auth0's
 * root attributes that hold a person's words, and `user_metadata` (whose keys a policy may name).
 */
export type ProfileField = 'name' | 'nickname' | 'username' | 'given_name' | 'family_name' | 'phone_number' | 'user_metadata';

/** Every {@link ProfileField}. */
export const PROFILE_FIELDS: readonly ProfileField[] = ['name', 'nickname', 'username', 'given_name', 'family_name', 'phone_number', 'user_metadata'];

/** A user as read (or as answered after a write), checked: every field as Auth0 sent it. */
export interface UserSnapshot {
  readonly userId: string;
  /** `{}` when the user has none. */
  readonly appMetadata: Record<string, unknown>;
  /** As sent: parse it with `parseIsoTime`. */
  readonly createdAt: unknown;
  /** As sent: parse it with `parseIsoTime`; absent until the password is first changed. */
  readonly lastPasswordReset: unknown;
  /** `[]` when not read. */
  readonly identities: readonly unknown[];
  /** As sent, when read (`email` among the fields): a string for a user who has one. */
  readonly email?: unknown;
  /** The {@link ProfileField}s among those read that Auth0 sent, as sent. */
  readonly profile?: Readonly<Partial<Record<ProfileField, unknown>>>;
}

/** One page of a user search. */
export interface UserSearchPage {
  readonly userIds: string[];
  /** How many users match in all (Auth0 returns at most the first 1000 of them). */
  readonly total: number;
}

/** A database connection as read, checked. */
export interface ConnectionSnapshot {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  /**
   * `options` as Auth0 sent it — absent (`undefined`) when the token lacks
   * `read:connections_options`: Auth0 then answers without it, which is not "no password policy".
   */
  readonly options: Record<string, unknown> | undefined;
}

/** A users-export job as `GET /api/v2/jobs/{id}` answers it, checked. */
export interface UsersExportJob {
  readonly id: string;
  /**
   * `pending`, `processing`, `completed` or `failed` — or another word: only `completed` and
   * `failed` end a job, so anything else means "not finished yet".
   */
  readonly status: string;
  /** The download link of a completed job: pre-signed, valid for 60 seconds. Never print it whole. */
  readonly location: string | undefined;
  readonly percentageDone: number | undefined;
  readonly timeLeftSeconds: number | undefined;
  /** A failed job's `status_details`, shortened, if any. */
  readonly statusDetails: string | undefined;
}

/** Longer than any status Auth0 writes; a failed job's details are shown to people. */
const MAX_STATUS_DETAILS = 200;

const malformed = (what: string): AnswerProblem => ({ problem: `malformed answer: ${what}` });

/** The user `userId` from an answer about it (`GET` or `PATCH /api/v2/users/{id}`). */
export function checkUser(answer: unknown, userId: string): UserSnapshot | AnswerProblem {
  if (!isRecord(answer)) return malformed('not a user object');
  const answeredId = answer['user_id'];
  if (answeredId !== undefined && answeredId !== userId) return malformed('it is about another user');
  const appMetadata = answer['app_metadata'] ?? {};
  if (!isRecord(appMetadata)) return malformed('app_metadata is not an object');
  const identities = answer['identities'] ?? [];
  if (!Array.isArray(identities)) return malformed('identities is not an array');
  const sent = PROFILE_FIELDS.filter((field) => Object.hasOwn(answer, field));
  return {
    userId,
    appMetadata,
    createdAt: answer['created_at'],
    lastPasswordReset: answer['last_password_reset'],
    identities,
    email: answer['email'],
    ...(sent.length === 0 ? {} : { profile: Object.fromEntries(sent.map((field) => [field, answer[field]])) }),
  };
}

/**
 * A page of `GET /api/v2/users` with `include_totals`, as the SDK hands it over: the users in
 * `data`, the totals in `response`. Users without a string `user_id` are left out.
 */
export function checkUserSearch(answer: { readonly data: unknown; readonly response: unknown }): UserSearchPage | AnswerProblem {
  const users = answer.data;
  const total = (answer.response as { total?: unknown } | undefined)?.total;
  if (!Array.isArray(users)) return malformed('no list of users');
  // Without totals, "0 users" would look like an empty selection and end a run as a success.
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) return malformed('no total');
  const userIds = users.flatMap((user) => (isRecord(user) && typeof user['user_id'] === 'string' ? [user['user_id']] : []));
  return { userIds, total };
}

/** The ids of a user's sessions, from one page of `GET /api/v2/users/{id}/sessions`. */
export interface SessionIdPage {
  readonly sessionIds: readonly string[];
  /** Auth0 has more (a `next` cursor): the page did not list them all. */
  readonly more: boolean;
}

/** One page of `GET /api/v2/users/{id}/sessions`, as the SDK's page gives it (`data`, and the body as `response`). */
export function checkSessionList(answer: { readonly data: unknown; readonly response: unknown }): SessionIdPage | AnswerProblem {
  const sessions = answer.data;
  if (!Array.isArray(sessions)) return malformed('no list of sessions');
  const sessionIds: string[] = [];
  for (const session of sessions) {
    const id = isRecord(session) ? session['id'] : undefined;
    if (typeof id !== 'string' || id === '') return malformed('a session without an id');
    sessionIds.push(id);
  }
  const next = (answer.response as { next?: unknown } | undefined)?.next;
  return { sessionIds, more: typeof next === 'string' && next !== '' };
}

/** The database connection named `name`, from the list `GET /api/v2/connections?name=…&strategy=auth0` answers. */
export function checkConnection(list: unknown, name: string): ConnectionSnapshot | AnswerProblem {
  const found: unknown = Array.isArray(list) ? list.find((connection) => isRecord(connection) && connection['name'] === name) : undefined;
  if (!isRecord(found) || typeof found['id'] !== 'string' || found['strategy'] !== 'auth0') {
    return Array.isArray(list) ? { problem: 'no database connection has that name' } : malformed('no list of connections');
  }
  const options = found['options'];
  if (options !== undefined && !isRecord(options)) return malformed('options is not an object');
  return { id: found['id'], name, strategy: 'auth0', options };
}

/**
 * A users-export job, as `POST /api/v2/jobs/users-exports` (`jobId` undefined) or `GET
 * /api/v2/jobs/{jobId}` answers it. A failed job's `status_details` is shown to people: shortened,
 * its control characters escaped and every one of `secrets` redacted.
 */
export function checkExportJob(answer: unknown, jobId: string | undefined, secrets: readonly string[]): UsersExportJob | AnswerProblem {
  if (!isRecord(answer)) return malformed('not a job');
  const { id, status, location, percentage_done: percentageDone, time_left_seconds: timeLeft, status_details: details } = answer;
  if (typeof id !== 'string' || id === '' || (jobId !== undefined && id !== jobId)) return malformed("no job id, or another job's");
  if (typeof status !== 'string') return malformed('no job status');
  if (location !== undefined && location !== null && typeof location !== 'string') return malformed('location is not a string');
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const shown = typeof details === 'string' ? escapeControlCharacters(redact(details, secrets)).slice(0, MAX_STATUS_DETAILS) : undefined;
  return {
    id,
    status,
    location: typeof location === 'string' && location !== '' ? location : undefined,
    percentageDone: number(percentageDone),
    timeLeftSeconds: number(timeLeft),
    statusDetails: shown === '' ? undefined : shown,
  };
}
