import { describe, expect, it } from 'vitest';
import { errorOf, startInstance, useBff } from '../helpers/bff.js';
import { SHIP_TO } from '../helpers/cache.js';
import { describeRedis, startRedis } from '../helpers/redis.js';
import { freshShopper, newReference, signedInWith } from '../helpers/shopper.js';
import { useExtraBffs } from '../helpers/wire.js';

// OWASP API6:2023, unrestricted access to sensitive business flows: placing orders.

/** What a call came to: the order number, or the app code it was refused with. */
async function outcome(call: Promise<{ orderNo: string }>): Promise<string> {
  const settled = await call.then(
    (placed) => ({ orderNo: placed.orderNo }),
    (error: unknown) => ({ error }),
  );
  if ('orderNo' in settled) return settled.orderNo;
  const { data } = (settled.error ?? {}) as { data?: { appCode?: unknown } };
  return String(data?.appCode);
}

describe('API6: one order at a time per user, a reference answered once', () => {
  const bff = useBff({ env: { PART_TIMEOUT_MS: '5000', ERP_TIMEOUT_MS: '5000' } });

  it('places at most one order for two orders.place of one user at the same time', async () => {
    const shopper = await freshShopper(bff());
    await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'latency', ms: 300 },
      { operation: 'PlaceOrder', times: 1 },
    );
    const results = await Promise.all([
      outcome(
        shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
      ),
      outcome(
        shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
      ),
    ]);
    expect(results.filter((result) => result.startsWith('SO-'))).toHaveLength(1);
    expect(results.filter((result) => !result.startsWith('SO-'))).toEqual([
      expect.stringMatching(/^(ORDER_IN_PROGRESS|EMPTY_CART)$/),
    ]);
    expect((await shopper.client.orders.list.query()).orders).toHaveLength(1);
  });

  it('answers CONFLICT / ORDER_IN_PROGRESS to the second call while the first is running', async () => {
    const shopper = await freshShopper(bff());
    await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'latency', ms: 500 },
      { operation: 'PlaceOrder', times: 1 },
    );
    const first = shopper.client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: newReference(),
    });
    await expect.poll(() => bff().sandbox.calls.inFlight('erp')).toBe(1);
    const { data } = await errorOf(
      shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
    );
    expect(data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, appCode: 'ORDER_IN_PROGRESS' });
    expect((await first).orderNo).toMatch(/^SO-/);
  });

  it('answers a repeated reference with the first confirmation, without asking the ERP again', async () => {
    const shopper = await freshShopper(bff());
    await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    const reference = newReference();
    const first = await shopper.client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: reference,
    });
    bff().sandbox.calls.reset();
    for (let i = 0; i < 3; i += 1)
      expect(
        await shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: reference }),
      ).toEqual(first);
    expect(bff().sandbox.calls.count('erp', 'PlaceOrder')).toBe(0);
  });
});

describeRedis(
  'API6 across instances: the per-user lock and the confirmations live in Redis',
  () => {
    const bffs = useExtraBffs();

    it('places one order when one user calls two instances at the same time, and each instance answers the reference', async () => {
      const redis = await startRedis();
      try {
        const env = { REDIS_URL: redis.url, PART_TIMEOUT_MS: '5000', ERP_TIMEOUT_MS: '5000' };
        const a = await bffs.start({ env });
        const b = await startInstance(a.sandbox, env);
        try {
          const token = await a.sandbox.idp.issueToken({
            sub: `u-lock-${newReference().slice(0, 8)}`,
          });
          const onA = signedInWith(a, () => token);
          const onB = signedInWith(b, () => token);
          await expect.poll(async () => (await fetch(`${b.url}/readyz`)).status).toBe(200);
          await onA.cart.setItem.mutate({ sku: '000219', quantity: 1 });
          a.sandbox.faults.inject(
            'erp',
            { kind: 'latency', ms: 400 },
            { operation: 'PlaceOrder', times: 1 },
          );
          const reference = newReference();
          const first = onA.orders.place.mutate({ shipTo: SHIP_TO, clientReference: reference });
          await expect.poll(() => a.sandbox.calls.inFlight('erp')).toBe(1);
          expect(
            (
              await errorOf(
                onB.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
              )
            ).data.appCode,
          ).toBe('ORDER_IN_PROGRESS');
          const placed = await first;
          expect(
            await onB.orders.place.mutate({ shipTo: SHIP_TO, clientReference: reference }),
          ).toEqual(placed);
        } finally {
          await b.close();
        }
      } finally {
        await redis.stop();
      }
    });
  },
);
