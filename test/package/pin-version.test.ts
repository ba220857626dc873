import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';
import { scanPinnedVersions } from '../helpers/deploy-config/pinned-versions.js';

// Both tests run the script in a child process.
describe('examples/pin-version.mjs (run by `npm version`)', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  it('moves every pinned version in examples/ to the new one', () => {
    const copy = mkdtempSync(join(tmpdir(), 'afpr-pin-'));
    cpSync(join(ROOT, 'examples'), copy, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const before = scanPinnedVersions(copy);
    expect(before.length).toBeGreaterThanOrEqual(4);

    execFileSync(process.execPath, [join(copy, 'pin-version.mjs'), '9.8.7-rc.1', copy], { encoding: 'utf8' });

    const after = scanPinnedVersions(copy);
    expect(after.length).toBe(before.length);
    expect(after.filter((pin) => pin.version !== '9.8.7-rc.1')).toEqual([]);
  });

  it('refuses a range', () => {
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, 'examples', 'pin-version.mjs'), '^1.0.0', mkdtempSync(join(tmpdir(), 'afpr-pin-'))], {
        stdio: 'pipe',
      }),
    ).toThrow(/not an exact version/);
  });
});
