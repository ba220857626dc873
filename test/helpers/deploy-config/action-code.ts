import { PACKAGE_NAME } from './paths.js';

export interface ActionModule {
  /** `onExecutePostLogin` / `onExecutePostChangePassword`. */
  exportName: string;
  /** The factory the module called: `createFirstLoginGate` / `createPasswordResetClearer`. */
  factory: string;
  /** The options it passed (`undefined` when called without). */
  options: unknown;
}

/**
 * Runs thin action code (CommonJS, as Auth0 runs it) with a stand-in for the package that records the
 * factory call, and returns what the module exported and which options it passed. The options can then
 * be checked with the real factories.
 */
export function loadActionModule(code: string): ActionModule {
  const calls: Array<{ factory: string; options: unknown }> = [];
  const fakePackage = new Proxy(
    {},
    {
      get(_target, property) {
        const factory = String(property);
        return (options?: unknown) => {
          calls.push({ factory, options });
          return async () => undefined;
        };
      },
    },
  );
  const fakeRequire = (id: string): unknown => {
    if (id !== PACKAGE_NAME) throw new Error(`the action code requires "${id}", not only "${PACKAGE_NAME}"`);
    return fakePackage;
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)(fakeRequire, module, module.exports);

  const exportNames = Object.keys(module.exports);
  if (exportNames.length !== 1 || typeof module.exports[exportNames[0] ?? ''] !== 'function') {
    throw new Error(`the action code must export exactly one handler, got [${exportNames.join(', ')}]`);
  }
  const [call, ...more] = calls;
  if (call === undefined || more.length > 0) {
    throw new Error(`the action code must call exactly one factory, called ${calls.length}`);
  }
  return { exportName: exportNames[0] ?? '', factory: call.factory, options: call.options };
}

/**
 * Rewrites every single-line string literal in `code` to its JSON form, so that two files which differ
 * only in quote style (`'x'` vs `"x"`, as keyword and `jsonencode` rendering produce) compare equal.
 */
export function normalizeStringLiterals(code: string): string {
  return code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (literal) => {
    try {
      const value: unknown = new Function(`"use strict"; return (${literal});`)();
      return typeof value === 'string' ? JSON.stringify(value) : literal;
    } catch {
      return literal;
    }
  });
}
