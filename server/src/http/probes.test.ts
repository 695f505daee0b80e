import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../kit/logger.js';
import { createProbes } from './probes.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** The probes on a real HTTP server on port 0; its log lines collected. */
async function serve(scrape: () => Promise<{ contentType: string; text: string }>) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  const probe = createProbes({ ready: () => true, scrape, log });
  server = createServer((req, res) => {
    if (!probe(req.url ?? '/', res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { url, lines };
}

describe('the probes', () => {
  it('answers /metrics 500 and logs it when the scrape fails, instead of leaving the scraper waiting', async () => {
    const { url, lines } = await serve(() => Promise.reject(new Error('a collector threw')));
    const answer = await fetch(`${url}/metrics`);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ error: 'metrics_unavailable' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'metrics scrape failed',
        cause: 'a collector threw',
      }),
    );
  });

  it('answers /metrics with the scrape, /healthz and /readyz with their status', async () => {
    const { url } = await serve(() =>
      Promise.resolve({ contentType: 'text/plain; version=0.0.4', text: 'up 1\n' }),
    );
    const metrics = await fetch(`${url}/metrics`);
    expect([metrics.status, metrics.headers.get('content-type'), await metrics.text()]).toEqual([
      200,
      'text/plain; version=0.0.4',
      'up 1\n',
    ]);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});
