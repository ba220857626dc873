// Types of scripts/test.mjs, for the test that imports it (test/package/build-script.test.ts).
export interface TypecheckHashes {
  readonly all?: string;
  readonly rest?: string | undefined;
}
export declare function typecheckInputs(root: string): string[];
export declare function typecheckHashes(root: string): { all: string; rest: string | undefined };
export declare function typecheckScope(last: TypecheckHashes, now: TypecheckHashes): 'none' | 'src' | 'all';
export declare function writeSrcTsconfig(root: string): string;
