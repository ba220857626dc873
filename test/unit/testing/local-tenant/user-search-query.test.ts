import { describe, expect, it } from 'vitest';
import { parseUserSearchQuery, UserSearchSyntaxError } from '../../../../src/testing/local-tenant/user-search-query.js';
import type { TenantUser } from '../../../../src/testing/local-tenant/user-store.js';

function user(overrides: Partial<TenantUser> & { user_id: string }): TenantUser {
  return {
    email_verified: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    logins_count: 0,
    identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: overrides.user_id.split('|')[1] ?? '', isSocial: false }],
    app_metadata: {},
    user_metadata: {},
    ...overrides,
  };
}

const ada = user({ user_id: 'auth0|ada', email: 'Ada@Contractor.example', logins_count: 3, app_metadata: { plan: 'gold', needsPasswordReset: true, teams: [{ name: 'core' }, { name: 'ops' }] } });
const bob = user({ user_id: 'auth0|bob', email: 'bob@example.com', app_metadata: { plan: 'free' }, user_metadata: { city: 'Paris' } });
const grace = user({
  user_id: 'google-oauth2|123',
  email: 'grace@contractor.example',
  email_verified: true,
  identities: [{ connection: 'google-oauth2', provider: 'google-oauth2', user_id: '123', isSocial: true }],
});
const everyone = [ada, bob, grace];

const matching = (query: string) => everyone.filter(parseUserSearchQuery(query)).map((match) => match.user_id);
const problem = (query: string) => {
  try {
    parseUserSearchQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(UserSearchSyntaxError);
    return (error as Error).message;
  }
  throw new Error(`expected ${query} to be refused`);
};

describe('the local tenant’s user search (a documented subset of Auth0’s v3 syntax)', () => {
  it.each([
    ['email:bob@example.com', ['auth0|bob']],
    ['email:"ADA@contractor.example"', ['auth0|ada']],
    ['email:*@contractor.example', ['auth0|ada', 'google-oauth2|123']],
    ['email.domain:contractor.example', ['auth0|ada', 'google-oauth2|123']],
    ['email:bo*', ['auth0|bob']],
    ['email:*tractor*', ['auth0|ada', 'google-oauth2|123']],
    ['app_metadata.plan:gold', ['auth0|ada']],
    ['app_metadata.plan:Gold', []],
    ['app_metadata.needsPasswordReset:true', ['auth0|ada']],
    ['app_metadata.teams.name:ops', ['auth0|ada']],
    ['app_metadata.plan:*', ['auth0|ada', 'auth0|bob']],
    ['identities.provider:auth0', ['auth0|ada', 'auth0|bob']],
    ['identities.connection:"google-oauth2"', ['google-oauth2|123']],
    ['logins_count:3', ['auth0|ada']],
    ['email_verified:true', ['google-oauth2|123']],
    ['user_metadata.city:Paris', ['auth0|bob']],
    ['email:*@contractor.example AND identities.provider:auth0', ['auth0|ada']],
    ['app_metadata.plan:free OR app_metadata.plan:gold', ['auth0|ada', 'auth0|bob']],
    ['identities.provider:auth0 AND NOT app_metadata.needsPasswordReset:true', ['auth0|bob']],
    ['NOT identities.provider:auth0', ['google-oauth2|123']],
    ['(app_metadata.plan:free OR email_verified:true) AND email:*example*', ['auth0|bob', 'google-oauth2|123']],
    ['app_metadata.plan:gold OR app_metadata.plan:free AND email:bob@example.com', ['auth0|ada', 'auth0|bob']],
  ])('%s', (query, expected) => {
    expect(matching(query)).toEqual(expected);
  });

  it.each([
    ['ada', '"ada" has no field: write field:value (terms without a field are not supported)'],
    ['"ada lovelace"', 'a quoted phrase needs a field: write field:"value"'],
    ['email:a@x.com ada:b', 'put AND or OR between terms (the local tenant does not guess the operator)'],
    ['email:a and email:b', 'operators must be upper case ("AND")'],
    ['logins_count:[1 TO 5]', 'ranges ([a TO b]) are not supported'],
    ['email:a~', '"a~" uses syntax that is not supported (fuzzy, boost, escapes)'],
    ['email:*om', '"*om": a suffix search needs at least 3 characters after "*"'],
    ['email:a*b', '"a*b": only leading and trailing wildcards are supported'],
    ['user_metadata.city:Par*', 'wildcards cannot be used on user_metadata fields'],
    ['nickname:ada', 'the local tenant cannot search "nickname" (it can: user_id, email, email.domain, email_verified, blocked, logins_count, identities.connection, identities.provider, identities.user_id, app_metadata.*, user_metadata.*)'],
    ['email:"open', 'a quoted value is not closed'],
    ['(email:a', 'a parenthesis is not closed'],
    ['email:a)', 'unexpected ")"'],
    ['email:a OR', 'the query ends where a term was expected'],
    ['  ', 'the query is empty'],
  ])('refuses %j', (query, message) => {
    expect(problem(query)).toBe(message);
  });
});
