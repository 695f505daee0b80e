import { startSandbox, type Sandbox } from '@storefront/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamHttp } from '../../kit/http.js';
import { createFxClient } from './client.js';
import { createDailyRates } from './daily-rates.js';

describe('createDailyRates', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 50 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const setup = () => {
    sandbox.calls.reset();
    sandbox.faults.clear();
    let now = 1_000_000;
    const client = createFxClient(createUpstreamHttp({ service: 'fx', baseUrl: sandbox.urls.fx, timeoutMs: 1_000 }));
    const rates = createDailyRates(client, { ttlMs: 60_000, maxStaleMs: 600_000, now: () => now });
    return { rates, advance: (ms: number) => (now += ms) };
  };

  it('fetches once for concurrent callers and keeps the file for the TTL', async () => {
    const { rates, advance } = setup();
    const [a, b] = await Promise.all([rates.get(), rates.get()]);
    expect(a).toBe(b);
    expect(a.rates.get('USD')).toBe('1.0921');
    advance(59_999);
    await rates.get();
    expect(sandbox.calls.count('fx')).toBe(1);
  });

  it('after the TTL answers the kept file at once and fetches a new one in the background', async () => {
    const { rates, advance } = setup();
    const first = await rates.get();
    advance(60_000);
    expect(await rates.get()).toBe(first);
    await expect.poll(() => sandbox.calls.count('fx')).toBe(2);
  });

  it('keeps serving the old file while FX fails, up to maxStaleMs, then fails', async () => {
    const { rates, advance } = setup();
    const first = await rates.get();
    sandbox.faults.inject('fx', { kind: 'status', status: 503 });
    advance(120_000);
    expect(await rates.get()).toBe(first);
    advance(600_000);
    await expect(rates.get()).rejects.toMatchObject({ service: 'fx', kind: 'http', status: 503 });
  });

  it('lets a caller stop waiting through its signal', async () => {
    const { rates } = setup();
    sandbox.faults.inject('fx', { kind: 'hang' });
    await expect(rates.get(AbortSignal.timeout(50))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
