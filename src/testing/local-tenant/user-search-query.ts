import { isRecord } from '../../obligation/obligation.js';
import type { TenantUser } from './user-store.js';

/**
 * The subset of Auth0's user search (v3) query syntax the local tenant understands — enough for the
 * queries an administrator passes to the tools, and a clear 400 for the rest:
 *
 * - `field:value` and `field:"quoted value"` (exact match);
 * - wildcards at the start or end: `email:*@example.com`, `name:jo*`, and `field:*` (the field is
 *   present); as in Auth0, a suffix match needs at least 3 literal characters, and `user_metadata`
 *   fields take no wildcards;
 * - `AND`, `OR`, `NOT` (upper case, as Auth0 requires) and parentheses; `AND` binds tighter than `OR`;
 * - fields: `user_id`, `email`, `email.domain`, `email_verified`, `blocked`, `logins_count`,
 *   `identities.connection`, `identities.provider`, `identities.user_id`, and any path under
 *   `app_metadata.` or `user_metadata.` (arrays are searched element by element).
 *
 * `email` and `email.domain` compare case-insensitively, every other field case-sensitively (as in
 * Auth0). Not supported, and answered with 400: terms without a field, terms side by side without an
 * operator, ranges (`[a TO b]`), `_exists_`, fuzzy and boost operators, escapes, inner wildcards.
 */
export type UserSearchPredicate = (user: TenantUser) => boolean;

/** A query the local tenant cannot parse; the message says why. */
export class UserSearchSyntaxError extends Error {
  override name = 'UserSearchSyntaxError' as const;
}

type Token =
  | { readonly kind: 'open' | 'close' | 'and' | 'or' | 'not' }
  | { readonly kind: 'term'; readonly field: string; readonly value: string; readonly quoted: boolean };

const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  'user_id', 'email', 'email.domain', 'email_verified', 'blocked', 'logins_count',
  'identities.connection', 'identities.provider', 'identities.user_id',
]);
const CASE_INSENSITIVE_FIELDS: ReadonlySet<string> = new Set(['email', 'email.domain']);
const FIELD = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const OPERATORS = { AND: 'and', OR: 'or', NOT: 'not' } as const;

function fail(problem: string): never {
  throw new UserSearchSyntaxError(problem);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      index += 1;
    } else {
      let end = index;
      while (end < query.length && !/[\s():"]/.test(query[end] as string)) end += 1;
      const word = query.slice(index, end);
      if (query[end] !== ':') {
        if (word === '') fail('a quoted phrase needs a field: write field:"value"');
        if (Object.hasOwn(OPERATORS, word)) {
          tokens.push({ kind: OPERATORS[word as keyof typeof OPERATORS] });
          index = end;
          continue;
        }
        if (/^(and|or|not)$/i.test(word)) fail(`operators must be upper case ("${word.toUpperCase()}")`);
        fail(`"${word.slice(0, 40)}" has no field: write field:value (terms without a field are not supported)`);
      }
      if (!FIELD.test(word)) fail(`"${word.slice(0, 40)}" is not a field name`);
      index = end + 1;
      if (query[index] === '"') {
        const close = query.indexOf('"', index + 1);
        if (close === -1) fail('a quoted value is not closed');
        const value = query.slice(index + 1, close);
        if (value.includes('\\')) fail('escapes are not supported');
        tokens.push({ kind: 'term', field: word, value, quoted: true });
        index = close + 1;
      } else {
        let valueEnd = index;
        while (valueEnd < query.length && !/[\s()]/.test(query[valueEnd] as string)) valueEnd += 1;
        const value = query.slice(index, valueEnd);
        if (value === '') fail(`"${word}:" has no value`);
        if (/^[[{]/.test(value)) fail('ranges ([a TO b]) are not supported');
        if (/[~^\\"]/.test(value) || /:/.test(value)) fail(`"${value.slice(0, 40)}" uses syntax that is not supported (fuzzy, boost, escapes)`);
        tokens.push({ kind: 'term', field: word, value, quoted: false });
        index = valueEnd;
      }
    }
  }
  return tokens;
}

/** Every scalar at `path` in `value`, array levels ignored (as Auth0 indexes them). */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) return value === null || value === undefined || isRecord(value) ? [] : [value];
  if (!isRecord(value)) return [];
  const [head, ...rest] = path as [string, ...string[]];
  return valuesAt(value[head], rest);
}

function fieldValues(user: TenantUser, field: string): unknown[] {
  if (field === 'email.domain') {
    const at = user.email?.lastIndexOf('@') ?? -1;
    return at === -1 ? [] : [(user.email as string).slice(at + 1)];
  }
  return valuesAt(user, field.split('.'));
}

function termPredicate(token: Extract<Token, { kind: 'term' }>): UserSearchPredicate {
  const { field, quoted } = token;
  const isMetadata = field.startsWith('app_metadata.') || field.startsWith('user_metadata.');
  if (!isMetadata && !TOP_LEVEL_FIELDS.has(field)) {
    fail(`the local tenant cannot search "${field}" (it can: ${[...TOP_LEVEL_FIELDS].join(', ')}, app_metadata.*, user_metadata.*)`);
  }
  const fold = CASE_INSENSITIVE_FIELDS.has(field) ? (text: string) => text.toLowerCase() : (text: string) => text;
  const value = fold(token.value);
  const asText = (item: unknown) => fold(typeof item === 'string' ? item : JSON.stringify(item));

  if (quoted || !value.includes('*')) return (user) => fieldValues(user, field).some((item) => asText(item) === value);
  if (field.startsWith('user_metadata.')) fail('wildcards cannot be used on user_metadata fields');
  if (value === '*') return (user) => fieldValues(user, field).length > 0;
  const leading = value.startsWith('*');
  const trailing = value.endsWith('*');
  const literal = value.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (literal.includes('*')) fail(`"${token.value.slice(0, 40)}": only leading and trailing wildcards are supported`);
  if (leading && literal.length < 3) fail(`"${token.value}": a suffix search needs at least 3 characters after "*"`);
  return (user) =>
    fieldValues(user, field).some((item) => {
      const text = asText(item);
      if (leading && trailing) return text.includes(literal);
      return leading ? text.endsWith(literal) : text.startsWith(literal);
    });
}

/**
 * Parses a query of the supported subset into a predicate over users.
 *
 * @throws UserSearchSyntaxError naming what is not supported.
 */
export function parseUserSearchQuery(query: string): UserSearchPredicate {
  const tokens = tokenize(query);
  let position = 0;
  const peek = () => tokens[position];

  function parseOr(): UserSearchPredicate {
    const alternatives = [parseAnd()];
    while (peek()?.kind === 'or') {
      position += 1;
      alternatives.push(parseAnd());
    }
    return alternatives.length === 1 ? (alternatives[0] as UserSearchPredicate) : (user) => alternatives.some((match) => match(user));
  }
  function parseAnd(): UserSearchPredicate {
    const all = [parseUnary()];
    for (;;) {
      const next = peek();
      if (next?.kind === 'and') {
        position += 1;
        all.push(parseUnary());
      } else if (next !== undefined && next.kind !== 'or' && next.kind !== 'close') {
        fail('put AND or OR between terms (the local tenant does not guess the operator)');
      } else {
        break;
      }
    }
    return all.length === 1 ? (all[0] as UserSearchPredicate) : (user) => all.every((match) => match(user));
  }
  function parseUnary(): UserSearchPredicate {
    const token = peek();
    if (token === undefined) fail('the query ends where a term was expected');
    position += 1;
    switch (token.kind) {
      case 'not': {
        const negated = parseUnary();
        return (user) => !negated(user);
      }
      case 'open': {
        const inner = parseOr();
        if (peek()?.kind !== 'close') fail('a parenthesis is not closed');
        position += 1;
        return inner;
      }
      case 'term':
        return termPredicate(token);
      default:
        return fail(`unexpected ${token.kind === 'close' ? '")"' : token.kind.toUpperCase()}`);
    }
  }

  if (tokens.length === 0) fail('the query is empty');
  const predicate = parseOr();
  if (position < tokens.length) fail('unexpected ")"');
  return predicate;
}
