/**
 * Loads a tenant.yaml the way `a0deploy import` does — the Deploy CLI's own context setup, YAML
 * loading, keyword replacement, code-file loading and validation — without contacting Auth0.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const deployCliRequire = createRequire(require.resolve('auth0-deploy-cli/package.json'));

export interface DeployCliAction {
  name: string;
  code: string;
  runtime?: string;
  deployed?: boolean;
  dependencies?: Array<{ name: string; version: string }>;
  secrets?: Array<{ name: string; value: string }>;
  supported_triggers?: Array<{ id: string; version: string }>;
}

export interface DeployCliAssets {
  actions?: DeployCliAction[] | null;
  clients?: Array<Record<string, unknown> & { name: string }> | null;
  clientGrants?: Array<{ client_id: string; audience: string; scope?: string[] }> | null;
  triggers?: Record<string, Array<{ action_name: string; display_name?: string }>> | null;
  [assetType: string]: unknown;
}

interface YamlContext {
  assets: DeployCliAssets;
  loadAssetsFromLocal(): Promise<void>;
}

interface Auth0Tools {
  assets: Record<string, unknown>;
  runStage(stage: string): Promise<void>;
  validate(): Promise<void>;
}

type AjvValidate = ((data: unknown) => boolean) & { errors?: unknown };

const { setupContext } = require('auth0-deploy-cli/lib/context') as {
  setupContext(config: Record<string, unknown>, command: 'import'): Promise<YamlContext>;
};
const { Auth0 } = require('auth0-deploy-cli/lib/tools') as { Auth0: { prototype: Auth0Tools } };
const { keywordReplace } = require('auth0-deploy-cli/lib/tools') as {
  keywordReplace(input: string, mappings: Record<string, unknown>): string;
};
const jsYaml = deployCliRequire('js-yaml') as { load(text: string): unknown };

export { keywordReplace };

/** Parses YAML with the Deploy CLI's own parser (js-yaml), without keyword replacement. */
export function parseYaml(text: string): unknown {
  return jsYaml.load(text);
}

/**
 * The Deploy CLI validates the assets against its full JSON schema, 8 MB of which is the `prompts`
 * (custom text) schema: ajv takes ~10 s to compile it, on every load. A tenant.yaml without `prompts`
 * validates the same against the schema with that one property left open, which compiles in
 * milliseconds. Everything else — ajv options, the other schemas, each handler's `validate` stage —
 * is the Deploy CLI's own.
 */
let validateAssets: AjvValidate | undefined;
function fastValidate(this: Auth0Tools): Promise<void> {
  if (validateAssets === undefined) {
    const schema = (require('auth0-deploy-cli/lib/tools/auth0/schema') as { default: { properties: object } })
      .default;
    const Ajv = deployCliRequire('ajv') as new (options: object) => { compile(schema: object): AjvValidate };
    const ajv = new Ajv({ useDefaults: true, nullable: true });
    validateAssets = ajv.compile({ ...schema, properties: { ...schema.properties, prompts: {} } });
  }
  const nonNull = Object.fromEntries(Object.entries(this.assets).filter(([, value]) => value != null));
  if ('prompts' in nonNull) {
    return Promise.reject(
      new Error('tenant.yaml has prompts: fastValidate skips their schema, use the full one'),
    );
  }
  if (!validateAssets(nonNull)) {
    return Promise.reject(
      new Error(`Schema validation failed loading ${JSON.stringify(validateAssets.errors, null, 2)}`),
    );
  }
  return this.runStage('validate');
}

/**
 * Loads `inputFile` with `config` (the content of a config.<tenant>.json) and `env` (what
 * `a0deploy import`'s default `--env` merges into the keyword mappings from the environment).
 */
export async function loadTenantYaml(
  inputFile: string,
  config: Record<string, unknown>,
  env: Record<string, string>,
): Promise<DeployCliAssets> {
  const mappings = {
    ...(config['AUTH0_KEYWORD_REPLACE_MAPPINGS'] as Record<string, unknown> | undefined),
    ...env,
  };
  const originalValidate = Auth0.prototype.validate;
  Auth0.prototype.validate = fastValidate;
  try {
    const context = await setupContext(
      {
        ...config,
        AUTH0_INPUT_FILE: inputFile,
        AUTH0_KEYWORD_REPLACE_MAPPINGS: mappings,
        // A token instead of client credentials: setupContext then makes no token request.
        AUTH0_ACCESS_TOKEN: 'offline-test-token',
        AUTH0_API_MAX_RETRIES: 1,
      },
      'import',
    );
    await context.loadAssetsFromLocal();
    return context.assets;
  } finally {
    Auth0.prototype.validate = originalValidate;
  }
}
