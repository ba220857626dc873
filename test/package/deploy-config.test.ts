/**
 * The deploy setups in examples/: the Auth0 Deploy CLI (tenant.yaml, loaded with the Deploy CLI's own
 * loader) and Terraform (parsed with @cdktf/hcl2json, HashiCorp's HCL parser compiled to WebAssembly),
 * and every version of the package pinned anywhere in examples/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createFirstLoginGate,
  createPasswordResetClearer,
  type FirstLoginGateOptions,
  type PasswordResetClearerOptions,
} from '../../src/index.js';
import {
  loadActionModule,
  normalizeStringLiterals,
  type ActionModule,
} from '../helpers/deploy-config/action-code.js';
import {
  keywordReplace,
  loadTenantYaml,
  parseYaml,
  type DeployCliAction,
  type DeployCliAssets,
} from '../helpers/deploy-config/deploy-cli.js';
import {
  CANONICAL_ACTIONS_DIR,
  DEPLOY_CLI_DIR,
  EXAMPLES,
  PACKAGE_NAME,
  REFERENCE_TENANT,
  TENANTS,
  TERRAFORM_DIR,
  packageVersion,
  readJson,
  readText,
  type Tenant,
} from '../helpers/deploy-config/paths.js';
import { findPinnedVersions, scanPinnedVersions } from '../helpers/deploy-config/pinned-versions.js';

const VERSION = packageVersion();
const EXACT_SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

const TRIGGERS = {
  gate: {
    id: 'post-login',
    version: 'v3',
    exportName: 'onExecutePostLogin',
    factory: 'createFirstLoginGate',
  },
  clearer: {
    id: 'post-change-password',
    version: 'v2',
    exportName: 'onExecutePostChangePassword',
    factory: 'createPasswordResetClearer',
  },
} as const;
const CLEARER_SECRETS = ['AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_DOMAIN'];
const GRANT_SCOPES = ['read:users', 'update:users_app_metadata'];

const canonicalCode = {
  gate: readText(join(CANONICAL_ACTIONS_DIR, 'post-login.js')),
  clearer: readText(join(CANONICAL_ACTIONS_DIR, 'post-change-password.js')),
};

/** What a deploy setup renders for one tenant, checked the same way for both tools. */
interface RenderedActions {
  gate: string;
  clearer: string;
}

function expectShipsCanonicalActions(
  tenant: Tenant,
  rendered: RenderedActions,
): { gate: ActionModule; clearer: ActionModule } {
  const gate = loadActionModule(rendered.gate);
  const clearer = loadActionModule(rendered.clearer);
  // The gate also exports its way back from the change-password page: exports.onContinuePostLogin.
  expect(gate).toMatchObject({ exportName: TRIGGERS.gate.exportName, factory: TRIGGERS.gate.factory, continuesAfterPage: true });
  expect(clearer).toMatchObject({
    exportName: TRIGGERS.clearer.exportName,
    factory: TRIGGERS.clearer.factory,
    continuesAfterPage: false,
  });
  // The library itself accepts the tenant's options (a bad flag or message throws an OptionsError here)…
  expect(() => createFirstLoginGate(gate.options as FirstLoginGateOptions)).not.toThrow();
  expect(() => createPasswordResetClearer(clearer.options as PasswordResetClearerOptions)).not.toThrow();
  // …and both Actions of a tenant use the same flag.
  expect((gate.options as { flag?: unknown }).flag).toBe((clearer.options as { flag?: unknown }).flag);
  if (tenant === REFERENCE_TENANT) {
    // The reference tenant ships exactly the canonical thin actions (up to quote style).
    expect(normalizeStringLiterals(rendered.gate)).toBe(normalizeStringLiterals(canonicalCode.gate));
    expect(normalizeStringLiterals(rendered.clearer)).toBe(normalizeStringLiterals(canonicalCode.clearer));
  }
  return { gate, clearer };
}

// ---------------------------------------------------------------------------------------------------
// Auth0 Deploy CLI
// ---------------------------------------------------------------------------------------------------

/** Keywords the environment supplies (a0deploy's default `--env`), never a committed config file. */
const ENV_KEYWORDS = ['CHANGE_PASSWORD_PAGE_SECRET', 'PASSWORD_RESET_CLIENT_ID', 'PASSWORD_RESET_CLIENT_SECRET'];
const FAKE_ENV = {
  CHANGE_PASSWORD_PAGE_SECRET: 'test-page-key-of-at-least-32-bytes-long',
  PASSWORD_RESET_CLIENT_ID: 'test-client-id',
  PASSWORD_RESET_CLIENT_SECRET: 'test-client-secret',
};
const KEYWORD = /@@([A-Za-z0-9_]+)@@|##([A-Za-z0-9_]+)##/g;

interface DeployCliConfig {
  AUTH0_DOMAIN: string;
  AUTH0_ALLOW_DELETE?: boolean;
  AUTH0_KEYWORD_REPLACE_MAPPINGS: Record<string, unknown>;
  [key: string]: unknown;
}

function keywordsIn(text: string): Set<string> {
  return new Set([...text.matchAll(KEYWORD)].map((match) => match[1] ?? match[2] ?? ''));
}

function keysDeep(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
}

function actionFor(actions: DeployCliAction[], trigger: string): DeployCliAction {
  const matching = actions.filter((action) => action.supported_triggers?.some((t) => t.id === trigger));
  expect(matching, `exactly one action for ${trigger}`).toHaveLength(1);
  return matching[0] as DeployCliAction;
}

describe('examples/deploy-cli (Auth0 Deploy CLI)', () => {
  const tenantYaml = join(DEPLOY_CLI_DIR, 'tenant.yaml');
  const rawYaml = readText(tenantYaml);
  const raw = parseYaml(rawYaml) as DeployCliAssets;
  const configs = Object.fromEntries(
    TENANTS.map((tenant) => [
      tenant,
      readJson<DeployCliConfig>(join(DEPLOY_CLI_DIR, `config.${tenant}.json`)),
    ]),
  ) as Record<Tenant, DeployCliConfig>;
  const loaded = {} as Record<Tenant, DeployCliAssets>;

  beforeAll(async () => {
    for (const tenant of TENANTS) {
      loaded[tenant] = await loadTenantYaml(tenantYaml, configs[tenant], FAKE_ENV);
    }
  }, 60_000);

  it('has exactly one config.<tenant>.json per tenant', () => {
    const found = readdirSync(DEPLOY_CLI_DIR)
      .filter((file) => /^config\..+\.json$/.test(file))
      .sort();
    expect(found).toEqual(TENANTS.map((tenant) => `config.${tenant}.json`).sort());
  });

  it('keeps action code inside the config folder, where the Deploy CLI resolves it', () => {
    for (const action of raw.actions ?? []) {
      expect(action.code).toMatch(/^\.\/actions\/[\w-]+\.js$/);
    }
  });

  it('uses only keywords each tenant supplies, and commits no secret', () => {
    const codeFiles = (raw.actions ?? []).map((action) => readText(join(DEPLOY_CLI_DIR, action.code)));
    // From the parsed YAML (its comments explain the keyword syntax) and the code files.
    const used = keywordsIn([JSON.stringify(raw), ...codeFiles].join('\n'));
    expect([...used].sort()).toEqual([
      'CHANGE_PASSWORD_PAGE_SECRET',
      'CHANGE_PASSWORD_PAGE_URL',
      'PASSWORD_RESET_CLIENT_ID',
      'PASSWORD_RESET_CLIENT_SECRET',
      'PASSWORD_RESET_FLAG',
      'PASSWORD_RESET_MESSAGE',
      'TENANT_DOMAIN',
    ]);
    const deployReadme = readText(join(DEPLOY_CLI_DIR, 'README.md'));
    for (const keyword of ENV_KEYWORDS)
      expect(deployReadme, `README documents ${keyword}`).toContain(keyword);

    for (const tenant of TENANTS) {
      const config = configs[tenant];
      const mappings = config.AUTH0_KEYWORD_REPLACE_MAPPINGS;
      for (const keyword of used) {
        if (!ENV_KEYWORDS.includes(keyword)) {
          expect(mappings, `config.${tenant}.json maps ${keyword}`).toHaveProperty(keyword);
        }
      }
      expect(
        keysDeep(config).filter((key) => /secret/i.test(key)),
        `config.${tenant}.json holds no secret`,
      ).toEqual([]);
      expect(Object.keys(mappings)).not.toContain('PASSWORD_RESET_CLIENT_SECRET');
      expect(Object.keys(mappings)).not.toContain('CHANGE_PASSWORD_PAGE_SECRET');
      // The page is reached over HTTPS: the gate refuses anything else off a loopback host.
      expect(mappings['CHANGE_PASSWORD_PAGE_URL']).toMatch(/^https:\/\/[a-z0-9.-]+\//);
      // A partial tenant.yaml must never delete what it does not list.
      expect(config.AUTH0_ALLOW_DELETE).toBe(false);
      // The audience and AUTH0_DOMAIN must be the canonical domain the Deploy CLI itself talks to.
      expect(mappings['TENANT_DOMAIN']).toBe(config.AUTH0_DOMAIN);
      expect(config.AUTH0_DOMAIN).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.auth0\.com$/);
      // Nothing is left unreplaced once the Deploy CLI has loaded the tenant.
      expect(JSON.stringify(loaded[tenant]).match(KEYWORD), `unresolved keywords for ${tenant}`).toBeNull();
    }
  });

  it('secrets are keyword placeholders, never literal values', () => {
    for (const action of raw.actions ?? []) {
      for (const secret of action.secrets ?? []) {
        expect(secret.value, `${action.name}: ${secret.name}`).toMatch(/^(##[A-Z0-9_]+##|@@[A-Z0-9_]+@@)$/);
      }
    }
  });

  describe.each(TENANTS)('loaded for %s', (tenant) => {
    const mappings = (): Record<string, unknown> => configs[tenant].AUTH0_KEYWORD_REPLACE_MAPPINGS;

    it('both actions: node22, deployed, the package pinned to package.json’s version, current triggers', () => {
      const actions = loaded[tenant].actions ?? [];
      expect(actions).toHaveLength(2);
      for (const [role, trigger] of Object.entries(TRIGGERS)) {
        const action = actionFor(actions, trigger.id);
        expect(action.runtime, role).toBe('node22');
        expect(action.deployed, role).toBe(true);
        expect(action.supported_triggers).toEqual([{ id: trigger.id, version: trigger.version }]);
        expect(action.dependencies).toEqual([{ name: PACKAGE_NAME, version: VERSION }]);
      }
    });

    it('the clearer gets the M2M credentials and the canonical domain as secrets; the gate the page’s key', () => {
      const actions = loaded[tenant].actions ?? [];
      expect(actionFor(actions, TRIGGERS.gate.id).secrets ?? []).toEqual([
        { name: 'CHANGE_PASSWORD_PAGE_SECRET', value: FAKE_ENV.CHANGE_PASSWORD_PAGE_SECRET },
      ]);
      const secrets = actionFor(actions, TRIGGERS.clearer.id).secrets ?? [];
      expect(secrets.map((secret) => secret.name).sort()).toEqual(CLEARER_SECRETS);
      expect(Object.fromEntries(secrets.map((secret) => [secret.name, secret.value]))).toEqual({
        AUTH0_DOMAIN: mappings()['TENANT_DOMAIN'],
        AUTH0_CLIENT_ID: FAKE_ENV.PASSWORD_RESET_CLIENT_ID,
        AUTH0_CLIENT_SECRET: FAKE_ENV.PASSWORD_RESET_CLIENT_SECRET,
      });
    });

    it('binds each action to its trigger by an existing action name', () => {
      const { actions = [], triggers = {} } = loaded[tenant];
      expect(Object.keys(triggers ?? {}).sort()).toEqual([TRIGGERS.clearer.id, TRIGGERS.gate.id]);
      for (const trigger of Object.values(TRIGGERS)) {
        const bound = (triggers ?? {})[trigger.id] ?? [];
        expect(bound.map((binding) => binding.action_name)).toContain(
          actionFor(actions ?? [], trigger.id).name,
        );
        for (const binding of bound) {
          const action = (actions ?? []).find((a) => a.name === binding.action_name);
          expect(action, `binding ${binding.action_name}`).toBeDefined();
          expect(action?.supported_triggers?.map((t) => t.id)).toContain(trigger.id);
        }
      }
    });

    it('creates the M2M application and grants it exactly read:users and update:users_app_metadata on the Management API', () => {
      const { clients = [], clientGrants = [] } = loaded[tenant];
      const m2m = (clients ?? []).filter((client) => client['app_type'] === 'non_interactive');
      expect(m2m).toHaveLength(1);
      expect(m2m[0]?.['grant_types']).toContain('client_credentials');
      const grants = (clientGrants ?? []).filter((grant) => grant.client_id === m2m[0]?.name);
      expect(grants).toHaveLength(1);
      expect(grants[0]?.audience).toBe(`https://${String(mappings()['TENANT_DOMAIN'])}/api/v2/`);
      expect([...(grants[0]?.scope ?? [])].sort()).toEqual(GRANT_SCOPES);
    });

    it('ships the canonical thin action code with this tenant’s flag and message', () => {
      const actions = loaded[tenant].actions ?? [];
      const { gate, clearer } = expectShipsCanonicalActions(tenant, {
        gate: actionFor(actions, TRIGGERS.gate.id).code,
        clearer: actionFor(actions, TRIGGERS.clearer.id).code,
      });
      expect(gate.options).toEqual({
        flag: mappings()['PASSWORD_RESET_FLAG'],
        message: mappings()['PASSWORD_RESET_MESSAGE'],
        changePasswordPage: { url: mappings()['CHANGE_PASSWORD_PAGE_URL'] },
      });
      expect(clearer.options).toEqual({ flag: mappings()['PASSWORD_RESET_FLAG'] });
    });
  });

  it('bootstrap-m2m.mjs imports only the M2M application and its grant, before its credentials exist', async () => {
    const script = readText(join(DEPLOY_CLI_DIR, 'bootstrap-m2m.mjs'));
    const includedOnly = /AUTH0_INCLUDED_ONLY:\s*(\[[^\]]*\])/.exec(script)?.[1];
    expect(includedOnly).toBeDefined();
    const only = JSON.parse((includedOnly ?? '').replace(/'/g, '"')) as string[];
    expect([...only].sort()).toEqual(['clientGrants', 'clients']);
    for (const tenant of TENANTS) {
      // No PASSWORD_RESET_CLIENT_* in the environment yet.
      const assets = await loadTenantYaml(tenantYaml, { ...configs[tenant], AUTH0_INCLUDED_ONLY: only }, {});
      const present = Object.entries(assets)
        .filter(([key, value]) => value != null && !['exclude', 'include'].includes(key))
        .map(([key]) => key)
        .sort();
      expect(present, tenant).toEqual(['clientGrants', 'clients']);
      expect(JSON.stringify([assets.clients, assets.clientGrants]).match(KEYWORD)).toBeNull();
    }
  });

  it('renders @@KEY@@ in code as an escaped JavaScript literal (apostrophes, quotes, objects)', () => {
    const template = readText(join(DEPLOY_CLI_DIR, 'actions', 'post-login.js'));
    const message = { default: `It's "time" to choose a new password.`, fr: 'Choisissez-en un nouveau.' };
    const rendered = keywordReplace(template, {
      PASSWORD_RESET_FLAG: "o'brien",
      PASSWORD_RESET_MESSAGE: message,
      CHANGE_PASSWORD_PAGE_URL: 'https://account.example.com/change-password?from="auth0"',
    });
    expect(loadActionModule(rendered).options).toEqual({
      flag: "o'brien",
      message,
      changePasswordPage: { url: 'https://account.example.com/change-password?from="auth0"' },
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Terraform
// ---------------------------------------------------------------------------------------------------

/** hcl2json output: plain JSON, with expressions as `${…}` strings. */
type Hcl = Record<string, any>;
/** hcl2json keeps every expression as a `${…}` string; a plain literal has no `${`. */
const EXPRESSION = /^\$\{([\s\S]*)\}$/;

function expression(value: unknown): string | undefined {
  return typeof value === 'string' ? EXPRESSION.exec(value)?.[1] : undefined;
}

/** The single block of each resource: hcl2json gives `resource.<type>.<name>: [block]`. */
function resources(main: Hcl, type: string): Record<string, Hcl> {
  const byName = (main['resource']?.[type] ?? {}) as Record<string, Hcl[]>;
  return Object.fromEntries(Object.entries(byName).map(([name, blocks]) => [name, blocks[0] ?? {}]));
}

/** templatefile("${path.module}/<file>", { key = expr … }) → file and arguments (as expression text). */
function templatefileCall(code: unknown): { file: string; args: Record<string, string> } {
  const expr = expression(code) ?? '';
  const match = /^templatefile\("\$\{path\.module\}\/([^"]+)",\s*\{([^{}]*)\}\)$/.exec(expr.trim());
  if (!match) throw new Error(`code must be templatefile("\${path.module}/…", { … }), got ${String(code)}`);
  const args = Object.fromEntries(
    (match[2] ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [key, ...rest] = line.split('=');
        return [key?.trim() ?? '', rest.join('=').trim()];
      }),
  );
  return { file: match[1] ?? '', args };
}

/** Terraform's templatefile for templates that only interpolate plain variables. */
function renderTemplate(template: string, vars: Record<string, string>): string {
  expect(template, 'templates use no %{ } directives').not.toMatch(/%\{/);
  return template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const value = vars[name.trim()];
    if (value === undefined) throw new Error(`template variable ${name} is not passed`);
    return value;
  });
}

function sortKeys(value: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe('examples/terraform', () => {
  let main: Hcl;
  let variables: Record<string, Hcl>;
  let versions: Hcl;
  const tfvars = {} as Record<Tenant, Hcl>;

  beforeAll(async () => {
    const parseFile = async (file: string): Promise<Hcl> =>
      (await parseHcl(file, readText(join(TERRAFORM_DIR, file)))) as Hcl;
    main = await parseFile('main.tf');
    const variablesTf = await parseFile('variables.tf');
    variables = Object.fromEntries(
      Object.entries((variablesTf['variable'] ?? {}) as Record<string, Hcl[]>).map(([name, [block]]) => [
        name,
        block ?? {},
      ]),
    );
    versions = await parseFile('versions.tf');
    for (const tenant of TENANTS) tfvars[tenant] = await parseFile(`${tenant}.tfvars`);
  }, 30_000);

  const locals = (): Hcl => Object.assign({}, ...((main['locals'] ?? []) as Hcl[])) as Hcl;
  /** A literal, or `local.x` resolved to its literal. */
  const resolveLiteral = (value: unknown): unknown => {
    const expr = expression(value);
    if (expr === undefined) return value;
    const local = /^local\.(\w+)$/.exec(expr);
    return local ? locals()[local[1] ?? ''] : value;
  };
  const actions = (): Record<string, Hcl> => resources(main, 'auth0_action');
  const actionFor = (trigger: string): [string, Hcl] => {
    const matching = Object.entries(actions()).filter(([, action]) =>
      (action['supported_triggers'] as Hcl[] | undefined)?.some((t) => t['id'] === trigger),
    );
    expect(matching, `exactly one auth0_action for ${trigger}`).toHaveLength(1);
    return matching[0] as [string, Hcl];
  };
  const m2mClient = (): [string, Hcl] => {
    const clients = Object.entries(resources(main, 'auth0_client')).filter(
      ([, c]) => c['app_type'] === 'non_interactive',
    );
    expect(clients).toHaveLength(1);
    return clients[0] as [string, Hcl];
  };

  it('has one variable file per tenant', () => {
    const found = readdirSync(TERRAFORM_DIR)
      .filter((file) => file.endsWith('.tfvars'))
      .sort();
    expect(found).toEqual(TENANTS.map((tenant) => `${tenant}.tfvars`).sort());
  });

  it('uses the auth0/auth0 provider', () => {
    const providers = Object.assign(
      {},
      ...((versions['terraform']?.[0]?.['required_providers'] ?? []) as Hcl[]),
    ) as Hcl;
    expect(providers['auth0']?.['source']).toBe('auth0/auth0');
    expect(main['provider']?.['auth0']).toBeDefined();
  });

  it('both actions: node22, deployed, the package pinned to package.json’s version, current triggers', () => {
    expect(Object.keys(actions())).toHaveLength(2);
    for (const trigger of Object.values(TRIGGERS)) {
      const [name, action] = actionFor(trigger.id);
      expect(action['runtime'], name).toBe('node22');
      expect(action['deploy'], name).toBe(true);
      expect(action['supported_triggers']).toEqual([{ id: trigger.id, version: trigger.version }]);
      const dependencies = (action['dependencies'] ?? []) as Hcl[];
      expect(dependencies.map((d) => d['name'])).toEqual([PACKAGE_NAME]);
      const version = resolveLiteral(dependencies[0]?.['version']);
      expect(version, `${name}: dependency version`).toMatch(EXACT_SEMVER);
      expect(version, `${name}: dependency version`).toBe(VERSION);
    }
  });

  it('secrets come from variables and from the M2M application, never literals', () => {
    // The gate's one secret: the page's key, from a sensitive variable no .tfvars sets.
    const gateSecrets = (actionFor(TRIGGERS.gate.id)[1]['secrets'] ?? []) as Hcl[];
    expect(gateSecrets.map((s) => [s['name'], expression(s['value'])])).toEqual([['CHANGE_PASSWORD_PAGE_SECRET', 'var.change_password_page_secret']]);
    expect(variables['change_password_page_secret']).toMatchObject({ sensitive: true });
    expect(variables['change_password_page_secret']).not.toHaveProperty('default');
    const secrets = (actionFor(TRIGGERS.clearer.id)[1]['secrets'] ?? []) as Hcl[];
    expect(secrets.map((s) => s['name']).sort()).toEqual(CLEARER_SECRETS);
    for (const secret of secrets) {
      expect(expression(secret['value']), `${String(secret['name'])} is an expression`).toMatch(
        /^[a-z_][\w.]*$/,
      );
    }
    const [client] = m2mClient();
    const credentials = Object.entries(resources(main, 'auth0_client_credentials')).filter(
      ([, c]) => expression(c['client_id']) === `auth0_client.${client}.id`,
    );
    expect(credentials).toHaveLength(1);
    const values = Object.fromEntries(secrets.map((s) => [s['name'], expression(s['value'])]));
    expect(values).toEqual({
      AUTH0_DOMAIN: 'var.auth0_domain',
      AUTH0_CLIENT_ID: `auth0_client.${client}.client_id`,
      AUTH0_CLIENT_SECRET: `auth0_client_credentials.${credentials[0]?.[0]}.client_secret`,
    });
  });

  it('binds each action to its trigger', () => {
    const bindings = Object.values(resources(main, 'auth0_trigger_actions'));
    expect(bindings.map((b) => b['trigger']).sort()).toEqual([TRIGGERS.clearer.id, TRIGGERS.gate.id]);
    for (const binding of bindings) {
      const [name] = actionFor(binding['trigger'] as string);
      const ids = ((binding['actions'] ?? []) as Hcl[]).map((a) => expression(a['id']));
      expect(ids).toContain(`auth0_action.${name}.id`);
      for (const id of ids) {
        const bound = /^auth0_action\.(\w+)\.id$/.exec(id ?? '')?.[1];
        expect(bound && actions()[bound], `binding ${String(id)}`).toBeTruthy();
      }
    }
  });

  it('creates the M2M application and grants it exactly read:users and update:users_app_metadata on the Management API', () => {
    const [client, block] = m2mClient();
    expect(block['grant_types']).toContain('client_credentials');
    const grants = Object.values(resources(main, 'auth0_client_grant')).filter(
      (g) => expression(g['client_id']) === `auth0_client.${client}.id`,
    );
    expect(grants).toHaveLength(1);
    expect(grants[0]?.['audience']).toBe('https://${var.auth0_domain}/api/v2/');
    expect([...((grants[0]?.['scopes'] ?? []) as string[])].sort()).toEqual(GRANT_SCOPES);
  });

  it('each tenant’s .tfvars sets every variable without a default but the sensitive ones, and nothing else, and no secret', () => {
    // A sensitive variable comes from the environment (TF_VAR_…), never from a committed file.
    const required = Object.entries(variables)
      .filter(([, v]) => !('default' in v) && v['sensitive'] !== true)
      .map(([name]) => name);
    expect(required.length).toBeGreaterThan(0);
    for (const tenant of TENANTS) {
      const set = Object.keys(tfvars[tenant]);
      for (const name of required) expect(set, `${tenant}.tfvars sets ${name}`).toContain(name);
      for (const name of set)
        expect(Object.keys(variables), `${tenant}.tfvars: ${name} is declared`).toContain(name);
      expect(set.filter((name) => /secret/i.test(name))).toEqual([]);
      expect(tfvars[tenant]['auth0_domain']).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.auth0\.com$/);
    }
  });

  describe.each(TENANTS)('rendered for %s', (tenant) => {
    /**
     * main.tf passes the templates JSON-encoded values; these are the exact expressions this test
     * evaluates for Terraform (JSON.stringify ≙ jsonencode, which also sorts object keys).
     */
    const FLAG_JS = 'jsonencode(var.password_reset_flag)';
    const PAGE_URL_JS = 'jsonencode(var.change_password_page_url)';
    const MESSAGE_JS_LOCAL =
      'length(var.password_reset_message_translations) == 0 ? jsonencode(var.password_reset_message) : ' +
      'jsonencode(merge(var.password_reset_message_translations, { default = var.password_reset_message }))';

    it('ships the canonical thin action code with this tenant’s flag and message', () => {
      const vars = { ...tfvars[tenant] } as {
        change_password_page_url: string;
        password_reset_flag: string;
        password_reset_message: string;
        password_reset_message_translations?: Record<string, string>;
      };
      const translations = vars.password_reset_message_translations ?? {};
      const message =
        Object.keys(translations).length === 0
          ? vars.password_reset_message
          : sortKeys({ ...translations, default: vars.password_reset_message });
      expect(expression(locals()['password_reset_message_js'])).toBe(MESSAGE_JS_LOCAL);
      const evaluate: Record<string, string> = {
        [FLAG_JS]: JSON.stringify(vars.password_reset_flag),
        [PAGE_URL_JS]: JSON.stringify(vars.change_password_page_url),
        'local.password_reset_message_js': JSON.stringify(message),
      };

      const render = (trigger: string): string => {
        const { file, args } = templatefileCall(actionFor(trigger)[1]['code']);
        const values = Object.fromEntries(
          Object.entries(args).map(([key, expr]) => {
            const value = evaluate[expr];
            if (value === undefined) throw new Error(`${file}: the test cannot evaluate ${key} = ${expr}`);
            return [key, value];
          }),
        );
        return renderTemplate(readText(join(TERRAFORM_DIR, file)), values);
      };

      const { gate, clearer } = expectShipsCanonicalActions(tenant, {
        gate: render(TRIGGERS.gate.id),
        clearer: render(TRIGGERS.clearer.id),
      });
      expect(gate.options).toEqual({ flag: vars.password_reset_flag, message, changePasswordPage: { url: vars.change_password_page_url } });
      expect(clearer.options).toEqual({ flag: vars.password_reset_flag });
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Every pinned version in examples/
// ---------------------------------------------------------------------------------------------------

describe(`every version of ${PACKAGE_NAME} pinned in examples/`, () => {
  it(`equals package.json's version`, () => {
    const pins = scanPinnedVersions(EXAMPLES);
    const files = new Set(pins.map((pin) => pin.file));
    // The scan must at least see the pins this test knows about (otherwise it checks nothing).
    expect([...files]).toEqual(
      expect.arrayContaining(['examples/package.json', 'examples/deploy-cli/tenant.yaml']),
    );
    expect(pins.filter((pin) => pin.file === 'examples/deploy-cli/tenant.yaml')).toHaveLength(2);
    const wrong = pins.filter((pin) => pin.version !== VERSION);
    expect(wrong, `pins that differ from package.json's ${VERSION}`).toEqual([]);
  });

  it('the scan catches a differing pin in every form it knows', () => {
    const other = '9.9.9';
    const samples: Array<[string, string]> = [
      ['x/package.json', JSON.stringify({ dependencies: { [PACKAGE_NAME]: `^${other}` } }, null, 2)],
      ['x/tenant.yaml', `dependencies:\n  - name: ${PACKAGE_NAME}\n    version: '${other}'\n`],
      ['x/main.tf', `dependencies {\n  name    = "${PACKAGE_NAME}"\n  version = "${other}"\n}\n`],
      ['x/README.md', `npm install ${PACKAGE_NAME}@${other}\n`],
      ['x/README.md', `name \`${PACKAGE_NAME}\`, version \`${other}\`\n`],
    ];
    for (const [file, text] of samples) {
      const pins = findPinnedVersions(file, text);
      expect(pins.length, `${file}: ${text}`).toBeGreaterThan(0);
      expect(
        pins.every((pin) => pin.version !== VERSION),
        file,
      ).toBe(true);
    }
  });
});
