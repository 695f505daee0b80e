import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLineWriter } from './line-writer.js';

/** A named pipe open at both ends, non-blocking as a pipe or socket stderr is in the server; nobody reads it until the test does. */
function namedPipe(): { readFd: number; writeFd: number } {
  const path = join(mkdtempSync(join(tmpdir(), 'line-writer-')), 'pipe');
  execFileSync('mkfifo', [path]);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  return { readFd, writeFd };
}

/** Writes `fill` lines into the pipe until it takes no more (EAGAIN): the writer's first write then finds it full. How many. */
function fillPipe(fd: number): number {
  for (let count = 0; ; count += 1) {
    try {
      writeSync(fd, 'fill\n');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return count;
      throw error;
    }
  }
}

/** Reads the pipe until `count` lines have come (and closes it); the lines. */
async function readLines(fd: number, count: number): Promise<string[]> {
  const socket = new Socket({ fd, readable: true, writable: false });
  let text = '';
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      seen += chunk.split('\n').length - 1;
      if (seen >= count) resolve();
    });
    socket.once('error', reject);
  });
  socket.destroy();
  return text.split('\n').filter(Boolean);
}

const numbered = (i: number) => `line ${String(i)} ${'x'.repeat(60)}\n`;

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
    const { readFd, writeFd } = namedPipe();
    const filled = fillPipe(writeFd);
    const writer = createLineWriter({ fd: writeFd });
    // 7 MB: far more than a pipe holds, so writes are cut short until the reader makes room.
    for (let i = 0; i < 100_000; i += 1) writer.write(numbered(i));
    const lines = await readLines(readFd, filled + 100_000);
    closeSync(writeFd);
    expect(writer.dropped).toBe(0);
    expect(lines.slice(0, filled).every((line) => line === 'fill')).toBe(true);
    const written = lines.slice(filled);
    expect(written).toHaveLength(100_000);
    written.forEach((line, i) => {
      expect(line).toBe(numbered(i).trimEnd());
    });
  });

  it('drops (and counts) lines past maxChars while the reader does not keep up, never a part of one', async () => {
    const { readFd, writeFd } = namedPipe();
    const filled = fillPipe(writeFd);
    const writer = createLineWriter({ fd: writeFd, maxChars: 200_000 });
    for (let i = 0; i < 100_000; i += 1) writer.write(numbered(i));
    const { dropped } = writer;
    expect(dropped).toBeGreaterThan(0);
    const lines = (await readLines(readFd, filled + 100_000 - dropped)).slice(filled);
    closeSync(writeFd);
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

  it('counts the lines a background write loses when the reader is gone (EPIPE) as dropped', async () => {
    const { readFd, writeFd } = namedPipe();
    closeSync(readFd);
    const writer = createLineWriter({ fd: writeFd, flushEveryMs: 10 });
    // More than minChars: a write starts at once, the rest follows from the timer.
    for (let i = 0; i < 1000; i += 1) writer.write(numbered(i));
    await expect.poll(() => writer.dropped).toBe(1000);
    closeSync(writeFd);
  });

  it('counts what flushSync could not write to a reader that is gone (EPIPE) as dropped', () => {
    const { readFd, writeFd } = namedPipe();
    const writer = createLineWriter({ fd: writeFd, minChars: 1 << 30 });
    for (let i = 0; i < 10; i += 1) writer.write(numbered(i));
    closeSync(readFd);
    writer.flushSync();
    closeSync(writeFd);
    expect(writer.dropped).toBe(10);
  });
});
