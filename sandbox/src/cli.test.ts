import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('npm run sandbox (the built CLI)', () => {
  it('prints the BFF environment, the control API, demo users and fixture SKUs, serves them, and stops on SIGTERM', async () => {
    expect(
      existsSync(cli),
      'sandbox/dist/cli.js is missing: `npm test` builds it, or run `npm run build`',
    ).toBe(true);
    const child = spawn(process.execPath, [cli, '--latency', 'none', '--products', '200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Fixture SKUs:') && out.includes('longest')) resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`exited early with ${String(code)}: ${out}`));
      });
    });
    try {
      expect(out).toContain('FAKE upstreams with 200 products');
      const env: Record<string, string> = {};
      for (const [, name, value] of out.matchAll(/^export ([A-Z0-9_]+)=(\S+)$/gm))
        if (name && value) env[name] = value;
      for (const name of [
        'ERP_URL',
        'FX_URL',
        'PRICING_URL',
        'CART_URL',
        'ERP_API_KEY',
        'ERP_V2_URL',
        'ERP_V2_API_KEY',
        'PRICING_API_KEY',
        'AUTH_JWKS_URL',
        'AUTH_ISSUER',
        'AUTH_AUDIENCE',
        'IDP_URL',
      ]) {
        expect(env[name], name).toBeTruthy();
      }
      expect(out).toMatch(/ann \/ sandbox {2}→ {2}u-1001/);
      expect(out).toMatch(/000123 +example/);

      const prices = await fetch(`${env.PRICING_URL ?? ''}/v2/prices?skus=000123`, {
        headers: { 'x-api-key': env.PRICING_API_KEY ?? '' },
      });
      expect(await prices.json()).toMatchObject({ prices: [{ sku: '000123', amount: '129.90' }] });

      const control =
        /Control API \(faults, call counts, key rotation\): (\S+)/.exec(out)?.[1] ?? '';
      const inject = await fetch(`${control}/faults`, {
        method: 'POST',
        body: JSON.stringify({
          service: 'pricing',
          fault: { kind: 'status', status: 503 },
          times: 1,
        }),
      });
      expect(inject.status).toBe(201);
      const failed = await fetch(`${env.PRICING_URL ?? ''}/v2/prices?skus=000123`, {
        headers: { 'x-api-key': env.PRICING_API_KEY ?? '' },
      });
      expect(failed.status).toBe(503);
      const calls = (await (await fetch(`${control}/calls`)).json()) as Record<string, number>;
      expect(calls['pricing getPrices']).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
