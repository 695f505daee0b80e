import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes one JSON line per entry with time, level, msg and the fields, from its level up', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.debug('not shown');
    log.info('request', { requestId: 'r-1', status: 200 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'info',
      msg: 'request',
      requestId: 'r-1',
      status: 200,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
  });

  it('never logs a token, key, password, cookie or body, at the top level or one level down', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (line) => lines.push(line));
    log.warn('request failed', {
      authorization: 'Bearer eyJhbGciOi.secret.sig',
      token: 'secret-token',
      apiKey: 'key-123',
      body: '<soap:Envelope>secret</soap:Envelope>',
      headers: { authorization: 'Bearer x.y.z', cookie: 'sid=secret' },
      upstream: { apiKey: 'key-456', password: 'hunter2', secret: 's3' },
      requestId: 'r-2',
    });
    const line = lines[0] ?? '';
    for (const secret of [
      'eyJhbGciOi',
      'secret-token',
      'key-123',
      'soap:Envelope',
      'x.y.z',
      'sid=secret',
      'key-456',
      'hunter2',
    ])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({
      requestId: 'r-2',
      authorization: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
  });

  it('redacts the same fields in entries without nested objects (they take the faster path)', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.info('request', { requestId: 'r-3', token: 'secret-token', cookie: 'sid=secret' });
    expect(lines[0]).not.toContain('secret');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ requestId: 'r-3', token: '[redacted]' });
  });

  it('writes an entry of plain values (formatted without pino) as pino writes it, field for field and in order', () => {
    const ours: string[] = [];
    const log = createLogger('info', (line) => ours.push(line));
    const theirs: string[] = [];
    const reference = pino(
      {
        level: 'info',
        base: undefined,
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: ['token'], censor: '[redacted]' },
      },
      { write: (line: string) => theirs.push(line.trimEnd()) },
    );
    const fields = {
      requestId: 'r-"4"\u00e9\n',
      status: 200,
      durationMs: 1.5,
      ok: false,
      skipped: undefined,
      nan: Number.NaN,
      token: 'secret',
    };
    log.info('request', fields);
    reference.info(fields, 'request');
    const withoutTime = (line: string | undefined) => line?.replace(/"time":"[^"]*"/, '');
    expect(withoutTime(ours[0])).toBe(withoutTime(theirs[0]));
  });

  it('writes nothing at level silent', () => {
    const lines: string[] = [];
    const log = createLogger('silent', (line) => lines.push(line));
    log.error('boom');
    expect(lines).toEqual([]);
  });
});
