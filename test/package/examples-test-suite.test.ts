import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActionsRepo, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

describe('the example test suite of an Actions repo (docs/testing-your-actions.md)', () => {
  it('passes with vitest against the built package, as in a user’s repo', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
    const repo = createActionsRepo();
    cpSync(join(ROOT, 'examples', 'test'), join(repo, 'test'), { recursive: true });
    // The Actions repo's own devDependency.
    symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(repo, 'node_modules', 'vitest'), 'dir');
    // The suite as the repo has it; only vitest's 5 s default limit per test is lifted: that limit
    // measures how busy this machine is (the suite runs beside the other test files), not the example.
    const output = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', repo, '--reporter', 'verbose', '--testTimeout', '60000'],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    expect(output).toContain('flags, denies, clears through the Management API, then lets the user in');
    expect(output).toMatch(/Tests\s+3 passed \(3\)/);
  });

  it('is the code the testing guide shows', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'testing-your-actions.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples', 'test', 'actions.test.mjs'), 'utf8');
    expect(readme).toContain(example.trim());
  });
});
