import pino from 'pino';
import { createLineWriter, type LineWriter } from './line-writer.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Fields that never reach a log, at the top level or one level down: tokens, API keys, passwords, secrets,
 * cookies and bodies (a line names what happened, not what was sent).
 */
export const REDACTED_FIELDS = [
  'authorization',
  'token',
  'apiKey',
  'password',
  'cookie',
  'body',
  'secret',
];

/**
 * stderr, in writes of at least 16 KiB made in the background (see line-writer.ts): a write per
 * line costs a system call and a wake-up of whatever reads stderr, which measured several times the
 * line's own cost per request. Lines wait at most 250 ms when traffic is low; what waits is written
 * when the process exits.
 */
let stderr: LineWriter | undefined;
function bufferedStderr(): LineWriter {
  // One per process, whatever number of loggers (apps) it makes: one buffer, one timer.
  if (stderr) return stderr;
  const writer = createLineWriter({ fd: 2 });
  process.once('exit', () => {
    writer.flushSync();
  });
  stderr = writer;
  return writer;
}

/** Lines the process's stderr writer has dropped so far, past its bound or lost to a failed write such as EPIPE (0 before anything was logged to it). */
export function droppedLogLines(): number {
  return stderr?.dropped ?? 0;
}

/** pino's numbers for the levels, to decide without pino whether an entry is written. */
const LEVEL_VALUES: Record<LogLevel, number> = {
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: Number.POSITIVE_INFINITY,
};
const REDACTED = new Set(REDACTED_FIELDS);
/** `,"key":` per field name, made once. */
const keyPrefixes = new Map<string, string>();

/**
 * The line pino writes for an entry whose fields are all strings, numbers, booleans or undefined
 * (fields redacted by name, undefined ones left out, `msg` last); undefined when a field is
 * anything else. Measured in a loaded server, pino's own formatting of the line per request cost
 * several times what this does.
 */
function flatLine(
  level: string,
  message: string,
  fields: Record<string, unknown>,
): string | undefined {
  let line = `{"level":"${level}","time":"${new Date().toISOString()}"`;
  for (const key in fields) {
    const value = fields[key];
    let text: string;
    if (value === undefined) continue;
    if (REDACTED.has(key)) text = '"[redacted]"';
    else if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : 'null';
    else if (typeof value === 'boolean') text = value ? 'true' : 'false';
    else return undefined;
    let prefix = keyPrefixes.get(key);
    if (prefix === undefined) {
      prefix = `,${JSON.stringify(key)}:`;
      if (keyPrefixes.size < 1000) keyPrefixes.set(key, prefix);
    }
    line += prefix + text;
  }
  return `${line},"msg":${JSON.stringify(message)}}\n`;
}

/**
 * JSON lines on stderr (stdout stays free for what a CLI prints): `time`, `level`, `msg` and the
 * fields, with REDACTED_FIELDS replaced by "[redacted]". `write` takes each line instead (tests).
 *
 * Lines are buffered (see bufferedStderr): under load many go out in one write. Entries whose
 * fields are all flat, like the line per request, are written by flatLine; pino writes the others
 * (with its redaction one level down, too: wildcard paths, about 10 µs a line).
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination = write
    ? {
        write: (line: string) => {
          write(line.trimEnd());
        },
      }
    : bufferedStderr();
  const pinoLogger = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`]),
        censor: '[redacted]',
      },
    },
    destination,
  );
  const threshold = LEVEL_VALUES[level];
  const entry =
    (entryLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (LEVEL_VALUES[entryLevel] < threshold) return;
      const line = flatLine(entryLevel, message, fields);
      if (line === undefined) pinoLogger[entryLevel](fields, message);
      else destination.write(line);
    };
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}
