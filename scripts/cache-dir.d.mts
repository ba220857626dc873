// Types of scripts/cache-dir.mjs, for the scripts' type declarations and tests.
export declare function cacheDirOf(root: string): string;
