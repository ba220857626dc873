import type * as z from 'zod/mini';
import { OptionsError, type OptionsIssue } from '../errors/options-error.js';
import { describeValue, formatPath } from './check-options.js';

type ZodIssue = z.core.$ZodIssue;

type SchemaNode = {
  _zod?: { def?: { type?: string; innerType?: SchemaNode; options?: SchemaNode[] } };
  shape?: Record<PropertyKey, SchemaNode>;
};

/** The keys an object schema at `path` accepts (optional wrappers and unions unwrapped). */
function knownKeysAt(schema: z.ZodMiniType, path: readonly PropertyKey[]): string[] {
  const unwrap = (node: SchemaNode | undefined): SchemaNode | undefined => {
    const def = node?._zod?.def;
    if (def?.type === 'optional') return unwrap(def.innerType);
    return def?.type === 'union' ? def.options?.find((option) => option.shape !== undefined) : node;
  };
  let node = unwrap(schema as SchemaNode);
  for (const segment of path) node = unwrap(node?.shape?.[segment]);
  return Object.keys(node?.shape ?? {});
}

function toOptionsIssues(issue: ZodIssue, schema: z.ZodMiniType): OptionsIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === 'invalid_union') {
    // When the value has the type of exactly one alternative (an object for `message`), that
    // alternative's own complaints say more than "must be a string or an object".
    const sameType = issue.errors.filter(
      (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    const [branch] = sameType;
    const saysMore = branch?.some((inner) => inner.path.length > 0 || inner.message !== 'Invalid input') ?? false;
    if (sameType.length === 1 && branch !== undefined && saysMore) {
      return branch.flatMap((inner) =>
        toOptionsIssues({ ...inner, path: [...issue.path, ...inner.path] } as ZodIssue, schema),
      );
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => ({
      code: issue.code,
      path: `${path}.${key}`,
      expected: `is not a known option (known: ${known.join(', ')})`,
    }));
  }
  const expected =
    issue.message === 'Invalid input' || issue.message.length === 0
      ? 'is not valid'
      : issue.message;
  const got = expected.startsWith('is required') || expected.startsWith('is not a known option') ? '' : ` (got ${describeValue(issue.input)})`;
  return [{ code: issue.code, path, expected: `${expected}${got}` }];
}

/**
 * Parses a factory's options with its schema, once, when the factory is called. On failure throws
 * an {@link OptionsError} whose message names the factory, each option path and what was expected:
 * `[auth0-force-password-reset] createFirstLoginGate: "options.flag" must not contain "." or "$" (got "a.b")`.
 */
export function parseOptions<Schema extends z.ZodMiniType>(
  factory: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options === undefined ? {} : options, { reportInput: true });
  if (result.success) return result.data;
  throw new OptionsError(factory, result.error.issues.flatMap((issue) => toOptionsIssues(issue, schema)));
}
