import { createStorefrontClient } from '@storefront/client';
import { describe, expect, it } from 'vitest';
import { useBff, type Bff } from './helpers/bff.js';

/** Long enough that, within a test, only the client's going away can close a hanging upstream call. */
const LONG_BUDGET_MS = '20000';
/** Well within LONG_BUDGET_MS: how long the BFF may take to cancel the upstream calls of a client gone away. */
const CANCELLED_WITHIN_MS = 3_000;
/** PART_TIMEOUT_MS's default (docs/api.md: "about a second") and some slack for the cancellation to reach the upstream. */
const DEFAULT_BUDGET_BOUND_MS = 2_500;

/** Settles to 'answered' or the error, so that an aborted call never goes unhandled while the test polls. */
function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'answered',
    (error: unknown) => error,
  );
}

describe('a client that disconnects cancels its upstream calls', () => {
  const bff = useBff({
    env: { PART_TIMEOUT_MS: LONG_BUDGET_MS, UPSTREAM_TIMEOUT_MS: LONG_BUDGET_MS },
  });

  it('closes the hanging reviews call of product.page when the client aborts', async () => {
    const { sandbox, client } = bff();
    sandbox.faults.inject('reviews', { kind: 'hang' });
    const controller = new AbortController();
    const outcome = settle(
      client.product.page.query({ sku: '000123' }, { signal: controller.signal }),
    );

    await expect.poll(() => sandbox.calls.inFlight('reviews')).toBe(1);
    controller.abort();
    await expect
      .poll(() => sandbox.calls.inFlight('reviews'), { timeout: CANCELLED_WITHIN_MS })
      .toBe(0);
    expect(await outcome).not.toBe('answered');
  });

  it('closes the hanging wishlist call of account.dashboard when the client aborts', async () => {
    const { sandbox } = bff();
    const token = await sandbox.idp.tokenFor('ann');
    const ann = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });
    sandbox.faults.inject('wishlist', { kind: 'hang' });
    const controller = new AbortController();
    const outcome = settle(ann.account.dashboard.query({}, { signal: controller.signal }));

    await expect.poll(() => sandbox.calls.inFlight('wishlist')).toBe(1);
    controller.abort();
    await expect
      .poll(() => sandbox.calls.inFlight('wishlist'), { timeout: CANCELLED_WITHIN_MS })
      .toBe(0);
    expect(await outcome).not.toBe('answered');
  });

  it('still serves the next call once an aborted one was cancelled', async () => {
    const { sandbox, client } = bff();
    sandbox.faults.inject('reviews', { kind: 'hang' }, { times: 1 });
    const controller = new AbortController();
    const outcome = settle(
      client.product.page.query({ sku: '000123' }, { signal: controller.signal }),
    );
    await expect.poll(() => sandbox.calls.inFlight('reviews')).toBe(1);
    controller.abort();
    await expect
      .poll(() => sandbox.calls.inFlight('reviews'), { timeout: CANCELLED_WITHIN_MS })
      .toBe(0);
    await outcome;

    const page = await client.product.page.query({ sku: '000123' });
    expect(page.degraded).toEqual([]);
    expect(page.reviews).toHaveLength(3);
  });
});

describe('a part past its budget is cancelled', () => {
  const bff = useBff();

  const hangingPart = async (
    target: Bff,
    service: 'reviews' | 'wishlist',
    call: () => Promise<{ degraded: string[] }>,
    part: string,
  ): Promise<void> => {
    target.sandbox.faults.inject(service, { kind: 'hang' });
    const answer = await call();
    expect(answer.degraded).toContain(part);
    expect(target.sandbox.calls.count(service)).toBeGreaterThan(0);
    // The BFF answered without the part and closed its call: nothing of it stays open upstream.
    await expect
      .poll(() => target.sandbox.calls.inFlight(service), { timeout: DEFAULT_BUDGET_BOUND_MS })
      .toBe(0);
  };

  it('closes the hanging reviews call of product.page once the default part budget has run out', async () => {
    await hangingPart(
      bff(),
      'reviews',
      () => bff().client.product.page.query({ sku: '000123' }),
      'reviews',
    );
  });

  it('closes the hanging wishlist call of account.dashboard once the default part budget has run out', async () => {
    const token = await bff().sandbox.idp.tokenFor('ann');
    const ann = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });
    await hangingPart(bff(), 'wishlist', () => ann.account.dashboard.query({}), 'wishlist');
  });
});
