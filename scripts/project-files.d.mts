// Types of scripts/project-files.mjs, for the scripts' type declarations and tests.
export declare function cacheDirOf(root: string): string;
export declare function filesOf(root: string, path: string): string[];
export declare function writeFileWhole(path: string, text: string): void;
