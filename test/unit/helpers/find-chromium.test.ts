import { describe, expect, it } from 'vitest';
import { chooseChromium } from '../../helpers/find-chromium.js';

/** A machine on `platform` whose executables are `present`. */
const machine = (env: Record<string, string | undefined>, present: readonly string[], platform = 'linux-x64') => ({
  env,
  isExecutable: (path: string) => present.includes(path),
  platform,
});

describe('the Chromium the browser tests use', () => {
  it('is CHROMIUM_PATH when it is set, before any other', () => {
    const lookup = machine({ CHROMIUM_PATH: '/opt/chrome/chrome', PATH: '/usr/bin' }, ['/opt/chrome/chrome', '/usr/bin/chromium']);
    expect(chooseChromium(lookup)).toEqual({ kind: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' });
    expect(chooseChromium({ ...lookup, platform: 'darwin-arm64' })).toEqual({ kind: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' });
  });

  it('refuses a CHROMIUM_PATH that is not an executable, rather than using another browser than asked', () => {
    expect(() => chooseChromium(machine({ CHROMIUM_PATH: '/nowhere/chrome', PATH: '/usr/bin' }, ['/usr/bin/chromium']))).toThrow(
      'CHROMIUM_PATH is "/nowhere/chrome", which is not an executable file: fix it, or unset it to use the Chromium of @sparticuz/chromium',
    );
  });

  it('is the one the npm package ships on linux-x64, Debian’s chromium on PATH or not (an empty CHROMIUM_PATH counts as unset)', () => {
    expect(chooseChromium(machine({ CHROMIUM_PATH: '', PATH: '/usr/local/bin:/usr/bin' }, ['/usr/bin/chromium']))).toEqual({ kind: 'npm package', path: undefined });
    expect(chooseChromium(machine({ PATH: '/usr/local/bin:/bin' }, ['/usr/bin/chromium']))).toEqual({ kind: 'npm package', path: undefined });
    expect(chooseChromium(machine({}, []))).toEqual({ kind: 'npm package', path: undefined });
  });

  it('is a chromium on PATH where the npm package ships none, and else the npm package (whose unpacking says what to do)', () => {
    const lookup = machine({ PATH: '/home/ada/bin:/opt/homebrew/bin' }, ['/opt/homebrew/bin/chromium'], 'darwin-arm64');
    expect(chooseChromium(lookup)).toEqual({ kind: 'system', path: '/opt/homebrew/bin/chromium' });
    expect(chooseChromium(machine({ PATH: '/usr/bin' }, [], 'linux-arm64'))).toEqual({ kind: 'npm package', path: undefined });
  });
});
