import pino from 'pino';

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

/** How long a line may wait in the buffer when traffic is low. */
const FLUSH_EVERY_MS = 250;

/**
 * stderr through pino's asynchronous destination, in writes of at least 4 KiB: a write per line
 * costs a system call and a wake-up of whatever reads stderr, which measured several times the
 * line's own cost per request. A timer (which does not keep the process alive) sends what waits at
 * least every FLUSH_EVERY_MS; pino flushes the rest when the process exits.
 */
let stderr: pino.DestinationStream | undefined;
function bufferedStderr(): pino.DestinationStream {
  // One per process, whatever number of loggers (apps) it makes: one buffer, one timer.
  if (stderr) return stderr;
  const stream = pino.destination({ fd: 2, sync: false, minLength: 4096 });
  setInterval(() => {
    stream.flush();
  }, FLUSH_EVERY_MS).unref();
  stderr = stream;
  return stream;
}

/**
 * JSON lines through pino, on stderr (stdout stays free for what a CLI prints): `time`, `level`,
 * `msg` and the fields, with REDACTED_FIELDS replaced by "[redacted]". `write` takes each line
 * instead (tests).
 *
 * Lines are buffered (see bufferedStderr): under load many go out in one write. Entries whose fields are all flat, like the line per request,
 * go through a logger that redacts the top level only; the one-level-down redaction (pino's
 * wildcard paths, about 10 µs a line) is paid only by entries that carry an object.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination = write
    ? {
        write: (line: string) => {
          write(line.trimEnd());
        },
      }
    : bufferedStderr();
  const loggerRedacting = (paths: string[]) =>
    pino(
      {
        level,
        base: undefined,
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths, censor: '[redacted]' },
      },
      destination,
    );
  const flat = loggerRedacting(REDACTED_FIELDS);
  const nested = loggerRedacting(REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`]));
  const loggerFor = (fields: Record<string, unknown>): pino.Logger => {
    for (const key in fields) {
      const value = fields[key];
      if (typeof value === 'object' && value !== null) return nested;
    }
    return flat;
  };
  return {
    debug: (message, fields = {}) => {
      loggerFor(fields).debug(fields, message);
    },
    info: (message, fields = {}) => {
      loggerFor(fields).info(fields, message);
    },
    warn: (message, fields = {}) => {
      loggerFor(fields).warn(fields, message);
    },
    error: (message, fields = {}) => {
      loggerFor(fields).error(fields, message);
    },
  };
}
