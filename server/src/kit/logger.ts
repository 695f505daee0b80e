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

/**
 * JSON lines through pino, on stderr (stdout stays free for what a CLI prints): `time`, `level`,
 * `msg` and the fields, with REDACTED_FIELDS replaced by "[redacted]". `write` takes each line
 * instead (tests).
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const logger = pino(
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
    write
      ? {
          write: (line: string) => {
            write(line.trimEnd());
          },
        }
      : pino.destination({ fd: 2, sync: true }),
  );
  return {
    debug: (message, fields = {}) => {
      logger.debug(fields, message);
    },
    info: (message, fields = {}) => {
      logger.info(fields, message);
    },
    warn: (message, fields = {}) => {
      logger.warn(fields, message);
    },
    error: (message, fields = {}) => {
      logger.error(fields, message);
    },
  };
}
