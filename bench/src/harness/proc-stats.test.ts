import { describe, expect, it } from 'vitest';
import { cpuTicksOf, rssBytesOf } from './proc-stats.js';

describe('/proc parsers', () => {
  it('adds utime and stime, counting fields after the last parenthesis of the command name', () => {
    const stat =
      '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 5303 0 0 0 173 41 0 0 20 0 11 0 8150 1100000000 12000 18446744073709551615';
    expect(cpuTicksOf(stat)).toBe(173 + 41);
  });

  it('reads VmRSS in bytes', () => {
    expect(
      rssBytesOf('Name:\tnode\nVmPeak:\t 1000 kB\nVmRSS:\t   51200 kB\nRssAnon:\t 1 kB\n'),
    ).toBe(51_200 * 1024);
  });

  it('refuses text without the fields', () => {
    expect(() => cpuTicksOf('1 (x) S')).toThrow();
    expect(() => rssBytesOf('Name: x')).toThrow();
  });
});
