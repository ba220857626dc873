// Types of scripts/entries.mjs, for tsup.config.ts.
export declare const ENTRIES: {
  readonly index: string;
  readonly 'auth0-types': string;
  readonly testing: string;
  readonly admin: string;
  readonly page: string;
};
