// Types of scripts/build-declarations.mjs, for the test that imports it (test/package/build-script.test.ts).
export declare function buildDeclarations(root?: string, entries?: Readonly<Record<string, string>>): Promise<Map<string, string>>;
export declare function declarationsCachePathOf(root: string): string;
export declare function declarationsDigest(root: string): string | undefined;
