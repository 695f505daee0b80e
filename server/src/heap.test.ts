import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapFlags, missingHeapFlags } from './heap.js';

const cli = fileURLToPath(new URL('../dist/node-flags.js', import.meta.url));

describe('heapFlags', () => {
  it('sizes the heap tightly with the cache on and leaves V8 its own sizing with it off', () => {
    expect(heapFlags(67_108_864)).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=25']);
    expect(heapFlags(0)).toEqual([]);
  });

  it('names what Node was not started with; a flag given by the user (either spelling) wins', () => {
    const none = { execArgv: [], nodeOptions: undefined };
    expect(missingHeapFlags(1, none)).toEqual(heapFlags(1));
    expect(
      missingHeapFlags(1, { execArgv: ['--heap-growing-percent=50'], nodeOptions: '' }),
    ).toEqual(['--max-semi-space-size=8']);
    expect(missingHeapFlags(1, { execArgv: [], nodeOptions: '--max_semi_space_size=4' })).toEqual([
      '--heap-growing-percent=25',
    ]);
    expect(missingHeapFlags(0, none)).toEqual([]);
  });
});

describe('node-flags (the start command asks it for the flags)', () => {
  const run = (env: Record<string, string>): string =>
    execFileSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
    });

  it('prints the flags for CACHE_MAX_BYTES (its default when unset), nothing for 0 or a bad value', () => {
    expect(existsSync(cli), 'server/dist is built by `npm test` first').toBe(true);
    expect(run({})).toBe('--max-semi-space-size=8 --heap-growing-percent=25');
    expect(run({ CACHE_MAX_BYTES: '1048576' })).toBe(
      '--max-semi-space-size=8 --heap-growing-percent=25',
    );
    expect(run({ CACHE_MAX_BYTES: '0' })).toBe('');
    expect(run({ CACHE_MAX_BYTES: 'lots' })).toBe('');
  });
});
