import { describe, expect, it } from 'vitest';
import { chooseChromium } from '../../helpers/find-chromium.js';

/** A machine whose executables are `present`. */
const machine = (env: Record<string, string | undefined>, present: readonly string[]) => ({
  env,
  isExecutable: (path: string) => present.includes(path),
});

describe('the Chromium the browser tests use', () => {
  it('is CHROMIUM_PATH when it is set, before Debian’s', () => {
    const lookup = machine({ CHROMIUM_PATH: '/opt/chrome/chrome', PATH: '/usr/bin' }, ['/opt/chrome/chrome', '/usr/bin/chromium']);
    expect(chooseChromium(lookup)).toEqual({ kind: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' });
  });

  it('refuses a CHROMIUM_PATH that is not an executable, rather than using another browser than asked', () => {
    expect(() => chooseChromium(machine({ CHROMIUM_PATH: '/nowhere/chrome', PATH: '/usr/bin' }, ['/usr/bin/chromium']))).toThrow(
      'CHROMIUM_PATH is "/nowhere/chrome", which is not an executable file: fix it, or unset it to use the Chromium of @sparticuz/chromium',
    );
  });

  it('is Debian’s chromium when it is on PATH (an empty CHROMIUM_PATH counts as unset)', () => {
    const lookup = machine({ CHROMIUM_PATH: '', PATH: '/home/ada/bin:/usr/local/bin:/usr/bin' }, ['/usr/bin/chromium']);
    expect(chooseChromium(lookup)).toEqual({ kind: 'system', path: '/usr/bin/chromium' });
  });

  it('is the one the npm package ships when PATH has no chromium — a machine without it, or a PATH stripped of /usr/bin', () => {
    expect(chooseChromium(machine({ PATH: '/usr/local/bin:/bin' }, ['/usr/bin/chromium']))).toEqual({ kind: 'npm package', path: undefined });
    expect(chooseChromium(machine({}, []))).toEqual({ kind: 'npm package', path: undefined });
  });
});
