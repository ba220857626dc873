import { describe, expect, it } from 'vitest';
import { checkSessionList } from '../../../src/management/answers.js';

/** The page relies on the session list to keep the login's own session: an answer it cannot read is a failure, never "no sessions". */
describe('checkSessionList', () => {
  it('reads the ids, and whether Auth0 has another page', () => {
    expect(checkSessionList({ data: [{ id: 'sess_a' }, { id: 'sess_b', user_id: 'auth0|1' }], response: { sessions: [], next: 'cursor' } })).toEqual({ sessionIds: ['sess_a', 'sess_b'], more: true });
    expect(checkSessionList({ data: [], response: { sessions: [] } })).toEqual({ sessionIds: [], more: false });
  });

  it.each([
    ['no list', { data: undefined, response: {} }, 'malformed answer: no list of sessions'],
    ['a session without an id', { data: [{ id: 'sess_a' }, { user_id: 'auth0|1' }], response: {} }, 'malformed answer: a session without an id'],
    ['an empty id', { data: [{ id: '' }], response: {} }, 'malformed answer: a session without an id'],
  ])('refuses %s', (_name, answer, problem) => {
    expect(checkSessionList(answer)).toEqual({ problem });
  });
});
