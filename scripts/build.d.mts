// Types of scripts/build.mjs, for the test that imports it (test/package/build-script.test.ts).
export declare const INPUTS: readonly string[];
export declare function stampPathOf(root: string): string;
export declare function inputsHash(root: string, inputs?: readonly string[]): string;
export declare function writeStamp(root: string, inputs: string): void;
export declare function isStale(root: string, inputs?: string): boolean;
