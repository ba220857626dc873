import { PACKAGE_NAME } from './paths.js';

export interface ActionModule {
  /** `onExecutePostLogin` / `onExecutePostChangePassword`. */
  exportName: string;
  /** The factory the module called: `createFirstLoginGate` / `createPasswordResetClearer`. */
  factory: string;
  /** The options it passed (`undefined` when called without). */
  options: unknown;
  /**
   * Whether it exports `onContinuePostLogin` as the handler's own `onContinuePostLogin` (the gate's
   * way back from the change-password page), as `exports.onContinuePostLogin = gate.onContinuePostLogin`.
   */
  continuesAfterPage: boolean;
}

/** The one export besides the handler that a thin action may have: the way back from a redirect. */
const CONTINUE_EXPORT = 'onContinuePostLogin';

/**
 * Runs thin action code (CommonJS, as Auth0 runs it) with a stand-in for the package that records the
 * factory call, and returns what the module exported and which options it passed. The options can then
 * be checked with the real factories. The stand-in handlers carry an `onContinuePostLogin`, as the
 * gate does.
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
          return Object.assign(async () => undefined, { onContinuePostLogin: async () => undefined });
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
  const exportNames = Object.keys(module.exports).filter((name) => name !== CONTINUE_EXPORT);
  const handler = module.exports[exportNames[0] ?? ''] as ((...args: unknown[]) => unknown) & { onContinuePostLogin?: unknown };
  if (exportNames.length !== 1 || typeof handler !== 'function') {
    throw new Error(`the action code must export exactly one handler (and optionally ${CONTINUE_EXPORT}), got [${Object.keys(module.exports).join(', ')}]`);
  }
  const continueExport = module.exports[CONTINUE_EXPORT];
  if (CONTINUE_EXPORT in module.exports && continueExport !== handler.onContinuePostLogin) {
    throw new Error(`exports.${CONTINUE_EXPORT} must be the handler's own ${CONTINUE_EXPORT}`);
  }
  const [call, ...more] = calls;
  if (call === undefined || more.length > 0) {
    throw new Error(`the action code must call exactly one factory, called ${calls.length}`);
  }
  return { exportName: exportNames[0] ?? '', factory: call.factory, options: call.options, continuesAfterPage: continueExport !== undefined };
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
