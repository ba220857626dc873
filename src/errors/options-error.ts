import { ForcePasswordResetError } from './force-password-reset-error.js';

/** One problem found in the options passed to a factory. */
export interface OptionsIssue {
  /** Where, e.g. `options.message.fr`. */
  path: string;
  /** What was expected, e.g. `must be a boolean`. */
  expected: string;
  /** The kind of problem: `custom` for what the option checks find; a few found apart have their own (`invalid_value`, `too_big`, `invalid_format`). */
  code: string;
}

/** `"options.flag" must not contain "." or "$" (got "a.b"); "options.log" …` */
export function describeIssues(issues: readonly OptionsIssue[]): string {
  return issues.map((issue) => `"${issue.path}" ${issue.expected}`).join('; ');
}

/**
 * Thrown by the factories, the page, the administrator tools and the testing toolkit when their
 * options (or other arguments) are not valid — for the Actions, that is when the Action's module
 * loads, before any user logs in.
 */
export class OptionsError extends ForcePasswordResetError {
  override name = 'OptionsError' as const;
  /** Every problem found, in order; the message names them all. */
  readonly issues: readonly OptionsIssue[];

  constructor(caller: string, issues: readonly OptionsIssue[]) {
    super('ERR_INVALID_OPTIONS', caller, describeIssues(issues));
    this.issues = issues;
  }
}
