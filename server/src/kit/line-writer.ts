import { write as writeFd, writeSync } from 'node:fs';

export interface LineWriterOptions {
  /** Where the lines go (2: stderr). */
  fd: number;
  /**
   * Characters gathered before a write.
   * @default 16384
   */
  minChars?: number;
  /**
   * How long lines may wait when traffic is low.
   * @default 250
   */
  flushEveryMs?: number;
  /**
   * Characters kept while the reader does not keep up; lines past them are dropped and counted.
   * @default 16777216
   */
  maxChars?: number;
}

/** A destination for pino: lines (each ending in `\n`) gathered and written in large writes, in the background. */
export interface LineWriter {
  write(line: string): void;
  /** Writes what waits, synchronously (at exit). */
  flushSync(): void;
  /**
   * Lines dropped: past `maxChars` while the reader did not keep up, or lost to a write that
   * failed (the reader gone: EPIPE; the descriptor closed), whole or after a part was written.
   */
  readonly dropped: number;
}

/** The lines of `bytes` from `from` on that a failed write lost: one per `\n`, a line cut short included. */
function linesIn(bytes: Buffer, from: number): number {
  let count = 0;
  for (let at = bytes.indexOf(10, from); at !== -1; at = bytes.indexOf(10, at + 1)) count += 1;
  return count;
}

/** A full pipe or socket: try again a little later. */
const RETRY_MS = 10;

/**
 * Lines are gathered in an array with a running length and joined once per write. pino's own
 * destination (sonic-boom) measures its whole pending buffer in UTF-8 for every line it appends,
 * so that a line costs more the more lines wait: under load that was most of what a request log
 * line cost (a cache hit's CPU went down by about a fifth without it). Writes go through libuv's
 * thread pool one at a time, so the event loop never waits for whoever reads the descriptor; a
 * write cut short goes on with the rest, a full pipe is tried again after RETRY_MS, and past
 * `maxChars` waiting, lines are dropped (and counted) rather than held without bound. Lines a
 * write could not deliver at all (the reader gone) are counted dropped too.
 */
export function createLineWriter(options: LineWriterOptions): LineWriter {
  const minChars = options.minChars ?? 16_384;
  const maxChars = options.maxChars ?? 16_777_216;
  let lines: string[] = [];
  let chars = 0;
  let writing = false;
  let dropped = 0;

  const take = (): Buffer => {
    const bytes = Buffer.from(lines.join(''));
    lines = [];
    chars = 0;
    return bytes;
  };
  const send = (bytes: Buffer, from: number): void => {
    writeFd(options.fd, bytes, from, bytes.length - from, null, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => {
            send(bytes, from);
          }, RETRY_MS).unref();
          return;
        }
        // The reader is gone (EPIPE, closed): these lines cannot be written anywhere.
        dropped += linesIn(bytes, from);
        writing = false;
        return;
      }
      if (from + written < bytes.length) {
        send(bytes, from + written);
        return;
      }
      writing = false;
      if (chars >= minChars) start();
    });
  };
  const start = (): void => {
    writing = true;
    send(take(), 0);
  };

  setInterval(() => {
    if (!writing && chars > 0) start();
  }, options.flushEveryMs ?? 250).unref();

  return {
    write(line) {
      if (chars + line.length > maxChars) {
        dropped += 1;
        return;
      }
      lines.push(line);
      chars += line.length;
      if (!writing && chars >= minChars) start();
    },
    flushSync() {
      if (chars === 0) return;
      const bytes = take();
      let from = 0;
      // A write in flight may still be going: these lines follow it in the pipe, perhaps before it ends.
      for (let tries = 0; from < bytes.length && tries < 1000; tries += 1) {
        try {
          from += writeSync(options.fd, bytes, from, bytes.length - from);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') break;
        }
      }
      // What a failed write or a reader that never made room left unwritten.
      dropped += linesIn(bytes, from);
    },
    get dropped() {
      return dropped;
    },
  };
}
