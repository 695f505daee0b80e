import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Bff } from './helpers/bff.js';
import { sample } from './helpers/metrics.js';
import { rawRequest, useExtraBffs, wireError } from './helpers/wire.js';

/** A signed-in cart.setItem whose 100-byte body has only begun: the BFF waits for the rest. */
const signedInBodyStart = async (bff: Bff): Promise<string> =>
  `POST /trpc/cart.setItem HTTP/1.1\r\nHost: bff\r\nAuthorization: Bearer ${await bff.sandbox.idp.tokenFor('ann')}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"json":`;

/** The `request` log line of the BFF's request to `path`, once there is one. */
const requestLine = (bff: Bff, path: string): Record<string, unknown> | undefined =>
  bff.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === 'request' && line.path === path);

/** A raw TCP connection to the BFF: what it received, and when the BFF closed it. */
async function rawConnection(
  bff: Bff,
): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { port } = new URL(bff.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const opened = performance.now();
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => {
    socket.once('close', () => {
      resolve(performance.now() - opened);
    });
  });
  return { socket, received: () => received, closed };
}

describe('limits on what clients send', () => {
  const bffs = useExtraBffs();
  const TIMEOUTS = {
    HEADERS_TIMEOUT_MS: '1000',
    REQUEST_TIMEOUT_MS: '2000',
    KEEP_ALIVE_TIMEOUT_MS: '1000',
  };

  it('closes a connection whose headers are not complete within HEADERS_TIMEOUT_MS, within about a second of it', async () => {
    const bff = await bffs.start({ env: TIMEOUTS });
    const connection = await rawConnection(bff);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: bff\r\nX-Slow: ');
    const after = await connection.closed;
    expect(after).toBeGreaterThanOrEqual(900);
    expect(after).toBeLessThan(3_500);
    expect(connection.received()).not.toContain('200 OK');
  });

  it('closes a connection whose request is not complete within REQUEST_TIMEOUT_MS (a body sent slowly)', async () => {
    const bff = await bffs.start({ env: TIMEOUTS });
    const connection = await rawConnection(bff);
    connection.socket.write(await signedInBodyStart(bff));
    const drip = setInterval(() => connection.socket.write(' '), 200);
    try {
      const after = await connection.closed;
      expect(after).toBeGreaterThanOrEqual(1_900);
      expect(after).toBeLessThan(4_500);
    } finally {
      clearInterval(drip);
    }
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    // Its log line says what the client got: 408, cut off, not a 200.
    await expect
      .poll(() => requestLine(bff, '/trpc/cart.setItem'))
      .toMatchObject({ status: 408, aborted: true });
  });

  it('logs a request whose client left before any answer as 499, aborted', async () => {
    const bff = await bffs.start({ env: TIMEOUTS });
    const connection = await rawConnection(bff);
    connection.socket.write(await signedInBodyStart(bff));
    // Once the BFF has the request (its body still coming), the client goes.
    await expect.poll(() => sample(bff, 'bff_in_flight')).toBe(1);
    connection.socket.destroy();
    await expect
      .poll(() => requestLine(bff, '/trpc/cart.setItem'))
      .toMatchObject({ status: 499, aborted: true });
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const bff = await bffs.start({ env: TIMEOUTS });
    const connection = await rawConnection(bff);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: bff\r\nConnection: keep-alive\r\n\r\n');
    await expect.poll(() => connection.received()).toContain('{"status":"ok"}');
    const after = await connection.closed;
    expect(after).toBeGreaterThanOrEqual(900);
    expect(after).toBeLessThan(3_500);
  });

  it('answers 431 to request headers over 16 KiB: a 32 KiB Authorization, a 100 KB URL', async () => {
    const bff = await bffs.start();
    const token = await rawRequest(bff, '/trpc/cart.get', {
      headers: { authorization: `Bearer ${'a'.repeat(32 * 1024)}` },
    });
    expect(token.status).toBe(431);
    const url = await rawRequest(bff, `/trpc/product.page?input=${'x'.repeat(100_000)}`);
    expect([414, 431]).toContain(url.status);
    expect(bff.sandbox.calls.snapshot()).toEqual({});
  });

  it('answers 415 to a POST whose body is not JSON, without running the procedure', async () => {
    const bff = await bffs.start();
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ]) {
      const answer = await rawRequest(bff, '/trpc/cart.setItem', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: '{"json":{"sku":"000123","quantity":1}}',
      });
      expect(answer.status, contentType).toBe(415);
      expect(wireError(answer.body)?.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(bff.sandbox.calls.snapshot()).toEqual({});
  });

  it('answers 413 to a body over MAX_BODY_BYTES', async () => {
    const bff = await bffs.start();
    const body = JSON.stringify({
      json: { sku: '000123', quantity: 1, padding: 'x'.repeat(2 * 1024 * 1024) },
    });
    const answer = await rawRequest(bff, '/trpc/cart.setItem', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(413);
    expect(bff.sandbox.calls.snapshot()).toEqual({});
  });
});
