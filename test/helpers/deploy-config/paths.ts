import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
export const EXAMPLES = join(ROOT, 'examples');
export const DEPLOY_CLI_DIR = join(EXAMPLES, 'deploy-cli');
export const TERRAFORM_DIR = join(EXAMPLES, 'terraform');
export const CANONICAL_ACTIONS_DIR = join(EXAMPLES, 'actions');

export const PACKAGE_NAME = 'auth0-force-password-reset';

/** package.json's version, read at test time: every pin in examples/ must equal it. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The tenants every deploy setup must cover, and the one whose rendering must equal the canonical files. */
export const TENANTS = ['dev', 'staging', 'prod'] as const;
export type Tenant = (typeof TENANTS)[number];
export const REFERENCE_TENANT: Tenant = 'dev';
