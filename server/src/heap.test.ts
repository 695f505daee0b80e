import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapFlags, missingHeapFlags } from './heap.js';

const cli = fileURLToPath(new URL('../dist/node-flags.js', import.meta.url));

const TIGHT = ['--max-semi-space-size=8', '--heap-growing-percent=25'];
const NO_PRETENURING = '--no-allocation-site-pretenuring';

describe('heapFlags', () => {
  it('turns pretenuring off always, and sizes the heap tightly only with the cache on', () => {
    expect(heapFlags(67_108_864)).toEqual([NO_PRETENURING, ...TIGHT]);
    expect(heapFlags(0)).toEqual([NO_PRETENURING]);
  });

  it('names what Node was not started with; a flag given by the user (either spelling) wins', () => {
    const none = { execArgv: [], nodeOptions: undefined };
    expect(missingHeapFlags(1, none)).toEqual(heapFlags(1));
    expect(
      missingHeapFlags(1, { execArgv: ['--heap-growing-percent=50'], nodeOptions: '' }),
    ).toEqual([NO_PRETENURING, '--max-semi-space-size=8']);
    expect(missingHeapFlags(1, { execArgv: [], nodeOptions: '--max_semi_space_size=4' })).toEqual([
      NO_PRETENURING,
      '--heap-growing-percent=25',
    ]);
    expect(missingHeapFlags(0, none)).toEqual([NO_PRETENURING]);
  });

  it("takes a user's own pretenuring choice, on or off, as given", () => {
    expect(
      missingHeapFlags(0, { execArgv: ['--allocation-site-pretenuring'], nodeOptions: undefined }),
    ).toEqual([]);
    expect(
      missingHeapFlags(1, { execArgv: [], nodeOptions: '--no_allocation_site_pretenuring' }),
    ).toEqual(TIGHT);
  });
});

describe('node-flags (the start command asks it for the flags)', () => {
  const run = (env: Record<string, string>): string =>
    execFileSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: emptyDotEnvDir,
      encoding: 'utf8',
    });
  // Started where an empty .env is: that one is read, not a developer's own at the repository root.
  let emptyDotEnvDir = '';
  beforeAll(() => {
    emptyDotEnvDir = mkdtempSync(join(tmpdir(), 'node-flags-'));
    writeFileSync(join(emptyDotEnvDir, '.env'), '');
  });
  afterAll(() => {
    rmSync(emptyDotEnvDir, { recursive: true, force: true });
  });

  it('prints the flags for CACHE_MAX_BYTES (its default when unset), only the pretenuring one for 0, nothing for a bad value', () => {
    expect(existsSync(cli), 'server/dist is built by `npm test` first').toBe(true);
    const all = [NO_PRETENURING, ...TIGHT].join(' ');
    expect(run({})).toBe(all);
    expect(run({ CACHE_MAX_BYTES: '1048576' })).toBe(all);
    expect(run({ CACHE_MAX_BYTES: '0' })).toBe(NO_PRETENURING);
    expect(run({ CACHE_MAX_BYTES: 'lots' })).toBe('');
  });

  it('reads CACHE_MAX_BYTES from the .env where it is started; the environment wins over it', () => {
    writeFileSync(join(emptyDotEnvDir, '.env'), 'CACHE_MAX_BYTES=0\n');
    try {
      expect(run({})).toBe(NO_PRETENURING);
      expect(run({ CACHE_MAX_BYTES: '1048576' })).toBe([NO_PRETENURING, ...TIGHT].join(' '));
    } finally {
      writeFileSync(join(emptyDotEnvDir, '.env'), '');
    }
  });
});
