import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';

// `npm run contract:check` as `npm test` runs it: the compiled check against the committed
// snapshot, and against a copy of it that has a field the router no longer answers.

const CLI = join(ROOT, 'server', 'dist', 'contract', 'cli.js');

function check(folder: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'check', folder], { cwd: ROOT }, (error, stdout) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
        stdout,
      });
    });
  });
}

describe('the contract check', () => {
  let temp = '';
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'storefront-contract-'));
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('passes on the committed snapshot', async () => {
    const { code, stdout } = await check(join(ROOT, 'client', 'contract'));
    expect(stdout).toContain('the router matches');
    expect(code).toBe(0);
  });

  it('fails when an output field is gone, naming the procedure, the field and the release', async () => {
    const snapshot = join(temp, 'client', 'contract');
    await cp(join(ROOT, 'client', 'contract'), snapshot, { recursive: true });
    await writeFile(join(temp, 'client', 'package.json'), JSON.stringify({ version: '2.3.1' }));
    // The snapshot has a field the router does not answer: as if it had been removed since.
    const file = join(snapshot, 'product.page.output.json');
    const output = JSON.parse(await readFile(file, 'utf8')) as {
      properties: { product: { properties: Record<string, unknown>; required: string[] } };
    };
    output.properties.product.properties.brandLogo = { type: 'string' };
    output.properties.product.required.push('brandLogo');
    await writeFile(file, JSON.stringify(output));
    const { code, stdout } = await check(snapshot);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "BREAKING product.page output: output field 'product.brandLogo' removed",
    );
    expect(stdout).toContain('The client needs a major release: 2.3.1 → 3.0.0');
  });

  it('passes on an addition, and says which release it needs', async () => {
    const snapshot = join(temp, 'added', 'contract');
    await cp(join(ROOT, 'client', 'contract'), snapshot, { recursive: true });
    await writeFile(join(temp, 'added', 'package.json'), JSON.stringify({ version: '2.3.1' }));
    // Without fx.rates in the snapshot, the router's fx.rates is new.
    await rm(join(snapshot, 'fx.rates.input.json'));
    await rm(join(snapshot, 'fx.rates.output.json'));
    const { code, stdout } = await check(snapshot);
    expect(stdout).toContain('added    fx.rates: new procedure fx.rates');
    expect(stdout).toContain('The client needs a minor release: 2.3.1 → 2.4.0');
    expect(code).toBe(0);
  });
});
