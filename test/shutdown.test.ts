import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '@storefront/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DEFAULTS } from './helpers/bff.js';
import { startProcess as start, type Running } from './helpers/processes.js';

// A draining shutdown, on the compiled server as it runs in production and through `npm start`.

const main = fileURLToPath(new URL('../server/dist/main.js', import.meta.url));

const pagePath = (sku: string) =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;

async function statusOf(url: string): Promise<number | 'refused'> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'refused';
  }
}

const started: Running[] = [];
let sandbox: Sandbox | undefined;
afterEach(async () => {
  for (const running of started.splice(0)) running.child.kill('SIGKILL');
  await sandbox?.close();
  sandbox = undefined;
});

/** The compiled server on a sandbox of this process, whose reviews take `reviewsMs`. */
async function serverOnSandbox(env: Record<string, string>, reviewsMs: number): Promise<Running> {
  sandbox = await startSandbox({ latency: 'none', products: 200 });
  if (reviewsMs > 0) sandbox.faults.inject('reviews', { kind: 'latency', ms: reviewsMs });
  const running = await start(process.execPath, [main], {
    ...sandbox.env(),
    ...TEST_DEFAULTS,
    LOG_LEVEL: 'info',
    PORT: '0',
    PART_TIMEOUT_MS: '5000',
    ...env,
  });
  started.push(running);
  return running;
}

/** 40 slow pages, sent together; resolves once the sandbox saw them all arrive, with `statuses` to await later. */
async function fortySlowPages(
  running: Running,
  inFlight: () => number,
): Promise<{ statuses: Promise<(number | 'refused')[]> }> {
  const skus = ['000123', '123', '000200', '000201', '000202', '000203', '000204', '000205'];
  const pages = Array.from({ length: 40 }, (_, i) =>
    statusOf(`${running.url}${pagePath(skus[i % skus.length] ?? '000123')}`),
  );
  await expect.poll(inFlight, { timeout: 10_000 }).toBe(40);
  return { statuses: Promise.all(pages) };
}

describe('a draining shutdown', () => {
  it('SIGTERM to the server: /readyz 503 at once, all 40 pages in flight answer 200, then the process exits 0', async () => {
    const running = await serverOnSandbox({ SHUTDOWN_DELAY_MS: '1000' }, 1_500);
    const pages = await fortySlowPages(running, () => sandbox?.calls.inFlight('reviews') ?? 0);
    running.child.kill('SIGTERM');
    await expect.poll(() => statusOf(`${running.url}/readyz`), { timeout: 2_000 }).toBe(503);
    expect(await pages.statuses).toEqual(Array.from({ length: 40 }, () => 200));
    expect(await running.exited).toBe(0);
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
    expect(running.output()).toContain('"msg":"stopped"');
  }, 30_000);

  it('stops accepting new connections after SHUTDOWN_DELAY_MS while calls in flight finish', async () => {
    const running = await serverOnSandbox({ SHUTDOWN_DELAY_MS: '200' }, 2_000);
    const pages = await fortySlowPages(running, () => sandbox?.calls.inFlight('reviews') ?? 0);
    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
    expect(await pages.statuses).toEqual(Array.from({ length: 40 }, () => 200));
    expect(await running.exited).toBe(0);
  }, 30_000);

  it('exits 1 when calls are still in flight at the end of SHUTDOWN_GRACE_MS', async () => {
    const running = await serverOnSandbox({ SHUTDOWN_GRACE_MS: '500' }, 0);
    sandbox?.faults.inject('reviews', { kind: 'hang' });
    void statusOf(`${running.url}${pagePath('000123')}`);
    await expect.poll(() => sandbox?.calls.inFlight('reviews') ?? 0).toBe(1);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('grace period');
  }, 30_000);

  it('exits 1 at once on a second signal', async () => {
    const running = await serverOnSandbox({ SHUTDOWN_DELAY_MS: '20000' }, 0);
    running.child.kill('SIGTERM');
    await expect.poll(() => running.output()).toContain('shutting down');
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(1);
  }, 30_000);

  it('SIGTERM to `npm start` while 40 pages are in flight: all answer 200, /readyz is 503 at once, npm exits 0 and no server is left', async () => {
    const running = await start('npm', ['start', '--silent'], {
      PORT: '0',
      SHUTDOWN_DELAY_MS: '1000',
      RATE_LIMIT_POINTS: '0',
    });
    started.push(running);
    // The embedded sandbox's reviews take 100 to 300 ms: a page is slow enough to be in flight.
    const pages = Array.from({ length: 40 }, (_, i) =>
      statusOf(`${running.url}${pagePath(i % 2 === 0 ? '000123' : '123')}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    running.child.kill('SIGTERM');
    await expect.poll(() => statusOf(`${running.url}/readyz`), { timeout: 2_000 }).toBe(503);
    expect(await Promise.all(pages)).toEqual(Array.from({ length: 40 }, () => 200));
    expect(await running.exited).toBe(0);
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
    expect(running.output()).toContain('"msg":"stopped"');
  }, 60_000);
});
