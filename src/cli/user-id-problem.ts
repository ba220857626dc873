import { isUserId, MAX_USER_ID_LENGTH } from '../admin/options.js';

/**
 * What is wrong with a text that should be a user id, said without repeating it: `it looks like
 * NAME=value`, `it has a space in it`, … — or `undefined` when it is a user id.
 *
 * The text may be a line of the wrong file (an `.env` with the client secret) or an argument where
 * a password was typed by mistake, and messages end up in terminals and CI logs: they give line or
 * argument numbers and one of these descriptions, never the content.
 */
export function userIdProblem(text: string): string | undefined {
  // Through unknown: the guard's false branch would otherwise narrow a string to never.
  if (isUserId(text as unknown)) return undefined;
  if (/^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/.test(text)) return 'it looks like NAME=value';
  if (/^[[{]/.test(text)) return 'it looks like JSON';
  if (/^[^\s@|]+@[^\s@|]+\.[^\s@|]+$/.test(text)) return 'it looks like an email address';
  if (text.length > MAX_USER_ID_LENGTH) return `it is longer than ${MAX_USER_ID_LENGTH} characters`;
  if (/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text)) return 'it has a control character in it';
  if (/\s/.test(text)) return 'it has a space in it';
  if (!text.includes('|')) return 'it has no "|" between provider and id';
  return 'it has nothing before or after the "|"';
}

/** What every message about a malformed user id says is expected. */
export const USER_ID_FORM = 'provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9';
