import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLineWriter } from './line-writer.js';

const built = fileURLToPath(new URL('../../dist/kit/line-writer.js', import.meta.url));

/** A child process that writes `count` numbered lines through a line writer on its stderr (a non-blocking socket), then exits. */
async function childLines(
  count: number,
  options: { maxChars?: number; pauseReadingMs: number },
): Promise<{ lines: string[]; exitCode: number | null; dropped: number }> {
  const script = `
    // Node's own stderr stream makes the descriptor non-blocking, as it is in the server.
    if (!process.stderr.writable) process.exit(2);
    const { createLineWriter } = await import(${JSON.stringify(built)});
    const writer = createLineWriter({ fd: 2${options.maxChars ? `, maxChars: ${String(options.maxChars)}` : ''} });
    process.once('exit', () => { writer.flushSync(); process.stdout.write(String(writer.dropped)); });
    for (let i = 0; i < ${String(count)}; i++) writer.write('line ' + i + ' ' + 'x'.repeat(60) + '\\n');
    setTimeout(() => process.exit(0), 1500);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // Nobody reads at first: the socket fills and the writer meets EAGAIN.
  child.stderr.pause();
  setTimeout(() => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stderr.resume();
  }, options.pauseReadingMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { lines: stderr.split('\n').filter(Boolean), exitCode, dropped: Number(stdout) };
}

describe('createLineWriter', () => {
  it('writes every line, in order, in writes of many lines, and what waits at flushSync', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'line-writer-')), 'out.log');
    const fd = openSync(file, 'w');
    const writer = createLineWriter({ fd, minChars: 1 << 30 });
    for (let i = 0; i < 1000; i += 1) writer.write(`line ${String(i)}\n`);
    // Below minChars nothing is written yet.
    expect(readFileSync(file, 'utf8')).toBe('');
    writer.flushSync();
    closeSync(fd);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${String(i)}`));
  });

  it('goes on after a full pipe (EAGAIN) and a write cut short: every line arrives whole and in order', async () => {
    expect(existsSync(built), 'server/dist is built by `npm test` first').toBe(true);
    const { lines, exitCode, dropped } = await childLines(100_000, { pauseReadingMs: 500 });
    expect(exitCode).toBe(0);
    expect(dropped).toBe(0);
    expect(lines).toHaveLength(100_000);
    lines.forEach((line, i) => {
      expect(line.startsWith(`line ${String(i)} `)).toBe(true);
    });
  });

  it('drops (and counts) lines past maxChars while the reader does not keep up, never a part of one', async () => {
    const { lines, exitCode, dropped } = await childLines(100_000, {
      maxChars: 200_000,
      pauseReadingMs: 500,
    });
    expect(exitCode).toBe(0);
    expect(dropped).toBeGreaterThan(0);
    expect(lines.length + dropped).toBe(100_000);
    let previous = -1;
    for (const line of lines) {
      const match = /^line (\d+) x{60}$/.exec(line);
      expect(match, line).not.toBeNull();
      const index = Number(match?.[1]);
      expect(index).toBeGreaterThan(previous);
      previous = index;
    }
  });
});
