/**
 * The docs stay true. Every fenced code block of README.md, CONTRIBUTING.md and docs/**.md carries a
 * marker on the line before it, `<!-- doc-test: KIND … -->`, and this file does what the kind says:
 *
 * - `same-as PATH` / `excerpt-of PATH`: the block is that file (or a verbatim part of it) — a file
 *   other tests run, such as examples/actions/post-login.js.
 * - `typecheck`: JavaScript or TypeScript type-checked against the built package, as in a user's project.
 * - `run action [connection=NAME]`: type-checked, then loaded as an Action module and run on a first login
 *   (post-login: denied or redirected, never thrown) and a password change on a local tenant
 *   (post-change-password).
 * - `run module`: type-checked, then run with Node; it must exit 0.
 * - `run server PATH`: type-checked, then run with Node; once it listens, `GET PATH` must reach the page.
 * - `run handler PATH`: type-checked, then imported; its Web handler (`export default { fetch }`, a Hono
 *   app, Next.js's `GET`/`POST`) answers `GET PATH` with the page.
 * - `run sh`: run with `sh -e` in a folder where the package is installed; it must exit 0.
 * - `output NAME`: the block is what the library prints for NAME (below).
 * - `tested-by PATH`: another test runs it (that file must name this doc).
 * - `illustrative REASON`: not run, and the reason says why. Each is listed in the test output.
 *
 * A block without a marker fails the suite: nothing slips through unclassified. Every relative link
 * and image of every Markdown file in the repository must resolve, `#anchors` included.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, existsSync, symlinkSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type TypeScript from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { anchorsOf, linksOf, parseMarkdown, type CodeBlock } from '../helpers/markdown.js';
import { createFolderWithPackage, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

// Required, not imported: an `import` of TypeScript's 9 MB CommonJS file has Node scan all of it for its
// export names first (0.6 s more here).
const ts: typeof TypeScript = createRequire(import.meta.url)('typescript');

/** A snippet's own time limit; the tests around it get the package project's budget. */
const SUBPROCESS_MS = SUBPROCESS_TIMEOUT_MS / 2;
/** The Markdown whose code blocks are checked. */
const DOCS = ['README.md', 'CONTRIBUTING.md', ...markdownUnder('docs')].filter((file) => existsSync(join(ROOT, file)));
/** Every Markdown file of the repository, for the links. */
const ALL_MARKDOWN = markdownUnder('.');

function markdownUnder(folder: string): string[] {
  const skip = new Set(['node_modules', 'dist', '.git', '.bench', 'coverage']);
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(join(ROOT, dir))) return;
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const path = dir === '.' ? entry.name : join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk(folder);
  return found.sort();
}

const parsed = new Map(ALL_MARKDOWN.map((file) => [file, parseMarkdown(file, readFileSync(join(ROOT, file), 'utf8'))]));
const blocks: CodeBlock[] = DOCS.flatMap((file) => parsed.get(file)?.blocks ?? []);
const where = (block: CodeBlock) => `${block.file}:${block.line}`;

/** The environment a snippet runs with: made-up values, a page key long enough, any free port. */
const SNIPPET_ENV: Record<string, string> = {
  PATH: process.env['PATH'] ?? '',
  AUTH0_DOMAIN: 'acme.eu.auth0.com',
  PAGE_CLIENT_ID: 'docs-test-page-client',
  PAGE_CLIENT_SECRET: 'docs-test-page-client-secret',
  CHANGE_PASSWORD_PAGE_SECRET: 'a-docs-test-page-key-of-at-least-32-bytes',
  ALLOWED_HOSTS: 'acme.eu.auth0.com,login.acme.com',
  PORT: '0',
  NO_COLOR: '1',
};
/** What the page shows on every answer, in English. */
const PAGE_TITLE = 'Choose a new password';

// ------------------------------------------------------------------ a user's project, with the package

let project: string;
/** The file each runnable or type-checked block was written to. */
const snippetFiles = new Map<CodeBlock, string>();
let typeErrors: Map<string, string[]>;

const isEsm = (code: string) => /^\s*(import|export)\s/m.test(code) || /^\s*await\s/m.test(code);
const extensionOf = (block: CodeBlock) => (block.lang === 'ts' ? (isEsm(block.code) ? '.mts' : '.cts') : isEsm(block.code) ? '.mjs' : '.cjs');
const checked = (block: CodeBlock) => block.marker !== undefined && (block.marker[0] === 'typecheck' || block.marker[0] === 'run') && block.marker[1] !== 'sh';

/** A folder where `auth0-force-password-reset` (this package, built), Hono and vitest are installed. */
function createProject(): string {
  const dir = createFolderWithPackage('afpr-docs-');
  mkdirSync(join(dir, 'node_modules', '.bin'));
  // What the docs' examples use besides the package: Hono, and vitest for the test-suite examples.
  for (const name of ['hono', 'vitest']) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  symlinkSync(join(ROOT, 'dist', 'cli.js'), join(dir, 'node_modules', '.bin', 'auth0-force-password-reset'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "docs-snippets", "private": true, "type": "module" }\n');
  return dir;
}

/** Type-checks the snippets as a user's editor would: TypeScript strictly, JavaScript with checkJs. */
function typeCheck(files: readonly string[]): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  const common: TypeScript.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    noEmit: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
  };
  const groups: [string[], TypeScript.CompilerOptions][] = [
    [files.filter((file) => /\.[mc]ts$/.test(file)), { ...common, strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true }],
    // JavaScript users get no null checks from their editor: `process.env.X` is a string to them.
    [files.filter((file) => /\.[mc]js$/.test(file)), { ...common, strict: false }],
  ];
  // The two programs read the same declaration files (TypeScript's libs, Node's, the package's, Hono's,
  // vitest's): each is parsed once, for both. What tells them apart (strict) is in checking, not parsing.
  const parsed = new Map<string, TypeScript.SourceFile | undefined>();
  const host = ts.createCompilerHost(common);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${fileName}\n${settings.languageVersion}\n${settings.impliedNodeFormat ?? ''}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersionOrOptions, ...rest));
    return parsed.get(key);
  };
  for (const [group, options] of groups) {
    if (group.length === 0) continue;
    const program = ts.createProgram(group, options, host);
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const file = diagnostic.file?.fileName ?? '(global)';
      const position = diagnostic.file !== undefined && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
      const text = `${position === undefined ? '' : `line ${position.line + 1}: `}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      errors.set(file, [...(errors.get(file) ?? []), text]);
    }
  }
  return errors;
}

/** Preloaded by a server snippet, to tell where it listens: the snippet picks PORT=0, any free port. */
const LISTENING_PRELOAD = 'report-listening.mjs';

beforeAll(() => {
  project = createProject();
  writeFileSync(
    join(project, LISTENING_PRELOAD),
    `import net from 'node:net';
     const listen = net.Server.prototype.listen;
     net.Server.prototype.listen = function (...args) {
       this.once('listening', () => process.stderr.write('docs-test-listening ' + this.address().port + '\\n'));
       return listen.apply(this, args);
     };\n`,
  );
  mkdirSync(join(project, 'snippets'));
  for (const block of blocks.filter(checked)) {
    const name = `${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}${extensionOf(block)}`;
    const path = join(project, 'snippets', name);
    writeFileSync(path, block.code);
    snippetFiles.set(block, path);
  }
  typeErrors = typeCheck([...snippetFiles.values()]);
}, SUBPROCESS_TIMEOUT_MS);

// ------------------------------------------------------------------ running things

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: project, env: { ...SNIPPET_ENV, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'], timeout: SUBPROCESS_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Runs a driver module (ESM, in the project folder) that prints one JSON line. */
async function drive<T>(source: string): Promise<T> {
  const run = await runNode(['--input-type=module', '-e', source]);
  if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}

/** Post-login: a database user's first login; post-change-password: a flagged user changes the password on a local tenant. */
async function runAction(file: string, connection: string | undefined) {
  return drive<{ exports: string[]; postLogin?: { denied?: string; redirectedTo?: string; threw?: string }; postChangePassword?: { ok: boolean } }>(`
    import { createRequire } from 'node:module';
    import { buildPostLoginEvent, createPostLoginApi, startLocalTenant } from 'auth0-force-password-reset/testing';
    console.log = () => {};
    const action = createRequire(import.meta.url)(${JSON.stringify(file)});
    const result = { exports: Object.keys(action).sort() };
    if (typeof action.onExecutePostLogin === 'function') {
      const event = buildPostLoginEvent({
        stats: { logins_count: 1 },
        secrets: { CHANGE_PASSWORD_PAGE_SECRET: ${JSON.stringify(SNIPPET_ENV['CHANGE_PASSWORD_PAGE_SECRET'])} },
        ...(${JSON.stringify(connection ?? null)} === null ? {} : { connection: { name: ${JSON.stringify(connection ?? null)} } }),
      });
      const api = createPostLoginApi({ event });
      try {
        await action.onExecutePostLogin(event, api);
        result.postLogin = { denied: api.deniedWith, redirectedTo: api.redirectedTo?.url };
      } catch (error) {
        result.postLogin = { threw: String(error) };
      }
    }
    if (typeof action.onExecutePostChangePassword === 'function') {
      const tenant = await startLocalTenant();
      const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { needsPasswordReset: true, mustChangePassword: true } });
      const completion = await tenant.runPasswordChange(user.user_id, 'A-new-Passw0rd!', action.onExecutePostChangePassword).completion;
      result.postChangePassword = { ok: completion.ok };
      await tenant.close();
    }
    process.stdout.write(JSON.stringify(result) + '\\n');
  `);
}

/** Imports a module and asks its Web handler for `path`. */
async function askHandler(file: string, path: string) {
  return drive<{ status: number; body: string; post: boolean }>(`
    const module = await import(${JSON.stringify(file)});
    const env = process.env;
    const app = module.default;
    const handler =
      typeof app?.fetch === 'function' ? (request) => app.fetch(request, env) :
      typeof app === 'function' ? app :
      module.GET;
    const response = await handler(new Request('https://account.example.com' + ${JSON.stringify(path)}));
    process.stdout.write(JSON.stringify({ status: response.status, body: await response.text(), post: typeof (module.POST ?? app?.fetch ?? app) === 'function' }) + '\\n');
  `);
}

/** Runs a server module until it listens, asks it for `path`, then stops it. */
async function askServer(file: string, path: string): Promise<{ status: number; body: string }> {
  const preload = join(project, LISTENING_PRELOAD);
  const child = spawn(process.execPath, ['--import', preload, file], { cwd: project, env: SNIPPET_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((found, failed) => {
      let output = '';
      const timer = setTimeout(() => failed(new Error(`not listening after ${SUBPROCESS_MS} ms:\n${output}`)), SUBPROCESS_MS);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /docs-test-listening (\d+)/.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          found(Number(match[1]));
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => failed(new Error(`exited (${code}) before listening:\n${output}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: await response.text() };
  } finally {
    child.kill('SIGKILL');
  }
}

/** What the library prints, for `output` blocks. */
const OUTPUTS: Record<string, () => Promise<string>> = {
  /** The message of a bad option. */
  'options-error': async () =>
    (await drive<{ message: string }>(`
      import { createFirstLoginGate } from 'auth0-force-password-reset';
      try { createFirstLoginGate({ flag: 'a.b' }); } catch (error) { process.stdout.write(JSON.stringify({ message: error.message }) + '\\n'); }
    `)).message,
  /** The decision line of a first login, with the volatile parts as in the docs. */
  'log-line-first-login': async () =>
    (await drive<{ line: string }>(`
      import { createFirstLoginGate } from 'auth0-force-password-reset';
      import { buildPostLoginEvent, createPostLoginApi } from 'auth0-force-password-reset/testing';
      const lines = [];
      console.log = (line) => lines.push(line);
      const event = buildPostLoginEvent({ stats: { logins_count: 1 }, user: { user_id: 'auth0|64b7f0c2a1d3e4f5a6b7c8d9' } });
      await createFirstLoginGate()(event, createPostLoginApi({ event }));
      process.stdout.write(JSON.stringify({ line: lines[0] }) + '\\n');
    `)).line,
};

/** `version` in the docs' sample output is the package's own. */
const VERSION: string = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// ------------------------------------------------------------------ the tests

describe('every code block of the docs is classified', () => {
  it('has a doc-test marker before it', () => {
    const unmarked = blocks.filter((block) => block.marker === undefined).map(where);
    expect(unmarked, 'add <!-- doc-test: KIND … --> on the line before each of these blocks (see test/package/docs.test.ts)').toEqual([]);
  });

  it('has no marker that classifies nothing', () => {
    const stray = DOCS.flatMap((file) => (parsed.get(file)?.strayMarkers ?? []).map((line) => `${file}:${line}`));
    expect(stray, 'a doc-test marker must be the last non-blank line before a code block').toEqual([]);
  });
});

// Each block runs in a child process of its own, in a folder it only reads (the server preload is written
// once, below): they run side by side (vitest's maxConcurrency at a time), most of their time being spent
// waiting for a child process, the docs' rehearsal at scale for its export jobs' polls above all.
describe.concurrent.each(DOCS)('%s', (file) => {
  const own = blocks.filter((block) => block.file === file && block.marker !== undefined);
  if (own.length === 0) it('has no code block', () => expect(own).toEqual([]));

  for (const block of own) {
    const [kind = '', ...args] = block.marker as readonly string[];
    const label = `line ${block.line} (${block.lang || 'no language'}): ${kind} ${args.join(' ')}`.trim();

    if (kind === 'illustrative') {
      it(label, () => expect(args.length, 'say why the block is not run').toBeGreaterThan(0));
      continue;
    }
    if (kind === 'same-as' || kind === 'excerpt-of') {
      it(label, () => {
        const source = readFileSync(join(ROOT, args[0] as string), 'utf8');
        if (kind === 'same-as') expect(block.code.trimEnd()).toBe(source.trimEnd());
        else expect(source, `${args[0]} no longer contains the block at ${where(block)}`).toContain(block.code.trimEnd());
      });
      continue;
    }
    if (kind === 'tested-by') {
      it(label, () => {
        const test = readFileSync(join(ROOT, args[0] as string), 'utf8');
        expect(test, `${args[0]} must name ${file}`).toContain(file);
      });
      continue;
    }
    if (kind === 'output') {
      it(label, { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
        const produce = OUTPUTS[args[0] as string];
        expect(produce, `no output named ${args[0]}`).toBeDefined();
        const actual = await (produce as () => Promise<string>)();
        // The docs show the version of the package they describe.
        expect(block.code.trimEnd().replaceAll(`"v":"${VERSION}"`, '"v":"<version>"')).toBe(actual.trimEnd().replaceAll(`"v":"${VERSION}"`, '"v":"<version>"'));
      });
      continue;
    }
    if (kind === 'typecheck' || kind === 'run') {
      const mode = args[0];
      if (kind === 'run' && mode === 'sh') {
        it(label, { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
          const run = await new Promise<Run>((done) => {
            const child = spawn('sh', ['-e', '-c', block.code], { cwd: project, env: { ...SNIPPET_ENV, PATH: `${join(project, 'node_modules', '.bin')}:${SNIPPET_ENV['PATH']}` }, timeout: SUBPROCESS_MS });
            let stdout = '';
            let stderr = '';
            child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
            child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
            child.on('close', (code) => done({ code, stdout, stderr }));
          });
          expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
        });
        continue;
      }
      it(label, { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
        const path = snippetFiles.get(block) as string;
        expect(['js', 'ts'], 'typecheck and run take js or ts blocks').toContain(block.lang);
        expect(typeErrors.get(path) ?? [], `type errors in the block at ${where(block)}`).toEqual([]);
        if (kind === 'typecheck') return;
        if (mode === 'action') {
          // `run action connection=NAME`: the login is on that database connection (for a `connections` option).
          const connection = args.find((arg) => arg.startsWith('connection='))?.slice('connection='.length);
          const result = await runAction(path, connection);
          expect(result.exports.some((name) => name.startsWith('onExecute')), 'an Action module exports onExecute…').toBe(true);
          if (result.postLogin !== undefined) {
            expect(result.postLogin.threw).toBeUndefined();
            expect(result.postLogin.denied ?? result.postLogin.redirectedTo, 'a first login is denied or sent to the page').toBeDefined();
          }
          if (result.postChangePassword !== undefined) expect(result.postChangePassword).toEqual({ ok: true });
        } else if (mode === 'module') {
          const run = await runNode([path]);
          expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
        } else if (mode === 'server' || mode === 'handler') {
          const askedPath = args[1] ?? '/';
          const answer = mode === 'server' ? await askServer(path, askedPath) : await askHandler(path, askedPath);
          // No session token: the page's own "sign in again" answer, which proves the route reaches it.
          expect(answer.status).toBe(400);
          expect(answer.body).toContain(PAGE_TITLE);
        } else if (mode !== undefined) {
          throw new Error(`unknown run mode "${mode}" at ${where(block)}`);
        } else {
          throw new Error(`"run" needs a mode (action, module, server, handler, sh) at ${where(block)}`);
        }
      });
      continue;
    }
    it(label, () => {
      throw new Error(`unknown doc-test kind "${kind}" at ${where(block)}`);
    });
  }
});

describe('versions', () => {
  it.each(DOCS)('%s names only the package’s own version in an install line', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const named = [...text.matchAll(/auth0-force-password-reset@(\d+\.\d+\.\d+\S*)/g)].map((match) => match[1]);
    expect(named.filter((version) => version !== VERSION), `set them to ${VERSION} (package.json)`).toEqual([]);
  });
});

describe('links', () => {
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (file: string) => {
    if (!anchors.has(file)) anchors.set(file, anchorsOf(parsed.get(file)?.prose ?? parseMarkdown(file, readFileSync(join(ROOT, file), 'utf8')).prose));
    return anchors.get(file) as Set<string>;
  };

  it.each(ALL_MARKDOWN)('every relative link and anchor of %s resolves', (file) => {
    const broken: string[] = [];
    for (const link of linksOf(file, parsed.get(file)?.prose ?? [])) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:: not relative
      const [pathPart = '', anchor] = link.target.split('#') as [string, string | undefined];
      const target = pathPart === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(pathPart));
      const shown = `${file}:${link.line} → ${link.target}`;
      if (!target.startsWith(ROOT) || !existsSync(target)) {
        broken.push(`${shown} (no such file)`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      const targetFile = relative(ROOT, target);
      if (statSync(target).isDirectory() || !targetFile.endsWith('.md')) continue;
      if (!anchorsIn(targetFile).has(anchor)) broken.push(`${shown} (no heading with that anchor)`);
    }
    expect(broken).toEqual([]);
  });
});

describe('the docs test itself', () => {
  it('runs what it lists: the project has the built package', () => {
    expect(execFileSync(process.execPath, ['-e', 'console.log(require.resolve("auth0-force-password-reset/page"))'], { cwd: project, encoding: 'utf8' })).toContain('page.cjs');
  });
});
