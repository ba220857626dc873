// Generated at build time by scripts/common-passwords.ts (written into dist/ by tsup.config.ts, served
// to the tests by vitest.config.ts): lower-cased common passwords, sorted, separated by spaces.
export declare const sortedPasswords: string;
export declare const count: number;
