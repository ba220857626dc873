// Types of scripts/public-exports.mjs, for the test that imports it (test/package/public-exports.test.ts).
export declare const ENTRY_DECLARATIONS: Readonly<Record<string, string>>;
export interface EntryExports {
  values: string[];
  types: string[];
  namespaces: string[];
}
export declare function publicExports(root?: string): Record<string, EntryExports>;
export interface SharedName {
  name: string;
  entries: string[];
  same: boolean;
}
export declare function sharedNames(root?: string): SharedName[];
