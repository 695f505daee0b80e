import { startSandbox, UNKNOWN_SKUS, type Sandbox } from '@storefront/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Bff } from './helpers/bff.js';
import { CACHE_ON, coldSku, pageInput, priced } from './helpers/cache.js';
import { batchPath, rawRequest, type RawAnswer } from './helpers/wire.js';

/** Headers that differ between any two answers: the request's id, its times, the date. */
const VOLATILE = new Set(['x-request-id', 'server-timing', 'date', 'keep-alive', 'connection']);

/** An answer as two BFFs can be compared on it: status, every header but the volatile ones, body. */
function comparable(answer: RawAnswer): {
  status: number;
  headers: [string, string][];
  names: string[];
  text: string;
} {
  const headers = [...answer.headers].filter(([name]) => !VOLATILE.has(name));
  return { status: answer.status, headers, names: [...answer.headers.keys()], text: answer.text };
}

const inputOf = (json: unknown): string => encodeURIComponent(JSON.stringify({ json }));

/**
 * A plain query over GET skips tRPC's Node adapter (server/src/http/trpc-query.ts). These tests
 * send the same requests to a BFF that answers them so and to one that sends everything through the
 * adapter, on the same sandbox, and compare status, headers and bytes.
 */
describe('a single tRPC query over GET, answered without the adapter', () => {
  let sandbox: Sandbox;
  let direct: Bff;
  let adapter: Bff;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 600 });
    direct = await startInstance(sandbox);
    adapter = await startInstance(sandbox, {}, 'v1', { singleQueries: false });
    token = await sandbox.idp.tokenFor('ann');
  });
  afterEach(() => {
    sandbox.faults.clear();
  });
  afterAll(async () => {
    await direct.close();
    await adapter.close();
    await sandbox.close();
  });

  /** The same request to both BFFs, one after the other; their answers compared. */
  async function expectSameAnswer(path: string, init: RequestInit = {}): Promise<RawAnswer> {
    const fromDirect = await rawRequest(direct, path, init);
    const fromAdapter = await rawRequest(adapter, path, init);
    expect(comparable(fromDirect)).toEqual(comparable(fromAdapter));
    return fromDirect;
  }

  it('answers a product page with the same status, headers and bytes', async () => {
    const answer = await expectSameAnswer(
      `/trpc/product.page?input=${pageInput(coldSku(direct, priced(direct)))}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('server-timing')).toContain('erp');
  });

  it('compresses it the same when the client accepts gzip or brotli', async () => {
    for (const encoding of ['gzip', 'br']) {
      const answer = await expectSameAnswer(
        `/trpc/product.page?input=${pageInput(coldSku(direct))}`,
        {
          headers: { 'accept-encoding': encoding },
        },
      );
      expect(answer.headers.get('content-encoding')).toBe(encoding);
    }
  });

  it('answers a search, the rates and a page without reviews (degraded) the same', async () => {
    await expectSameAnswer(`/trpc/product.search?input=${inputOf({ query: 'shoe' })}`);
    await expectSameAnswer('/trpc/fx.rates');
    sandbox.faults.inject('reviews', { kind: 'status', status: 503 });
    const degraded = await expectSameAnswer(
      `/trpc/product.page?input=${pageInput(coldSku(direct))}`,
    );
    expect(degraded.text).toContain('"degraded":["reviews"]');
  });

  it('fails the same: an unknown SKU, an input that breaks the schema, no input, a failing ERP', async () => {
    const unknown = await expectSameAnswer(
      `/trpc/product.page?input=${pageInput(UNKNOWN_SKUS[0])}`,
    );
    expect(unknown.status).toBe(404);
    const invalid = await expectSameAnswer(`/trpc/product.page?input=${inputOf({ sku: 42 })}`);
    expect(invalid.status).toBe(400);
    expect((await expectSameAnswer('/trpc/product.page')).status).toBe(400);
    sandbox.faults.inject('erp', { kind: 'status', status: 500 });
    const failing = await expectSameAnswer(
      `/trpc/product.page?input=${pageInput(coldSku(direct))}`,
    );
    expect(failing.status).toBeGreaterThanOrEqual(500);
  });

  it('answers a signed-in query the same, with and without a token', async () => {
    const anonymous = await expectSameAnswer('/trpc/account.dashboard');
    expect(anonymous.status).toBe(401);
    const signedIn = await expectSameAnswer('/trpc/account.dashboard', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
  });

  it('leaves to the adapter what is not one plain query, with the same answers', async () => {
    // Input that is not JSON, a batch, a mutation over GET, a path that names no procedure.
    expect((await expectSameAnswer('/trpc/product.page?input=%7Bnot-json')).status).toBe(400);
    await expectSameAnswer(batchPath([{ path: 'product.page', input: { sku: coldSku(direct) } }]));
    expect((await expectSameAnswer(`/trpc/cart.setItem?input=${inputOf({})}`)).status).toBe(405);
    expect((await expectSameAnswer('/trpc/product.nothing')).status).toBe(404);
  });

  it('logs a failed call once, naming its procedure, as the adapter does', async () => {
    const failures = (bff: Bff): string[] =>
      bff.logs.filter(
        (line) => line.includes('"procedure":"product.page"') && line.includes('NOT_FOUND'),
      );
    const before = [failures(direct).length, failures(adapter).length];
    await expectSameAnswer(`/trpc/product.page?input=${pageInput(UNKNOWN_SKUS[1])}`);
    expect(failures(direct).length - (before[0] ?? 0)).toBe(1);
    expect(failures(adapter).length - (before[1] ?? 0)).toBe(1);
  });
});

describe('a single tRPC query kept as a public answer', () => {
  let sandbox: Sandbox;
  let direct: Bff;
  let adapter: Bff;
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 600 });
    direct = await startInstance(sandbox, CACHE_ON);
    adapter = await startInstance(sandbox, CACHE_ON, 'v1', { singleQueries: false });
  });
  afterAll(async () => {
    await direct.close();
    await adapter.close();
    await sandbox.close();
  });

  it('keeps the bytes it sent, and serves them again as the adapter’s would be', async () => {
    const path = `/trpc/product.page?input=${pageInput(coldSku(direct, priced(direct)))}`;
    const first = await rawRequest(direct, path);
    const again = await rawRequest(direct, path);
    const fromAdapter = await rawRequest(adapter, path);
    const againFromAdapter = await rawRequest(adapter, path);
    expect(first.status).toBe(200);
    expect(again.headers.get('server-timing')).toContain('cache;desc="hit"');
    // A kept answer says how long it may still be kept: the ages may differ by a second.
    const sameBut = (answer: RawAnswer) => ({
      ...comparable(answer),
      headers: comparable(answer).headers.filter(
        ([name]) => name !== 'cache-control' && name !== 'age',
      ),
    });
    expect(sameBut(first)).toEqual(sameBut(fromAdapter));
    expect(sameBut(again)).toEqual(sameBut(againFromAdapter));
    expect(again.text).toBe(first.text);
  });
});
