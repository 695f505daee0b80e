import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  aggregate,
  AggregateAbortedError,
  optional,
  PartTimeoutError,
  required,
} from './aggregate.js';
import type { CallOptions } from './upstream/upstream.js';
import { tracked } from '../testing/promises.js';
import type { StopSignal } from './stop-signal.js';

/** A part's run that never settles on its own and keeps the signal it was given. */
function hanging(): { run: (call: CallOptions) => Promise<never>; signal: () => StopSignal } {
  let given: StopSignal | undefined;
  return {
    run({ signal }) {
      given = signal;
      return new Promise<never>(() => undefined);
    },
    signal() {
      if (!given) throw new Error('the part has not started');
      return given;
    },
  };
}

/** A part's run that settles when its signal aborts (as an upstream call through fetch does). */
function honouring(): { run: (call: CallOptions) => Promise<never>; signal: () => StopSignal } {
  let given: StopSignal | undefined;
  return {
    run({ signal }) {
      given = signal;
      return new Promise<never>((_, reject) => {
        signal?.addEventListener(
          'abort',
          () => {
            reject(new Error('cancelled'));
          },
          { once: true },
        );
      });
    },
    signal() {
      if (!given) throw new Error('the part has not started');
      return given;
    },
  };
}

const after = <T>(ms: number, value: T): Promise<T> =>
  new Promise((resolve) => {
    setTimeout(() => {
      resolve(value);
    }, ms);
  });

const failAfter = (ms: number, error: Error): Promise<never> =>
  new Promise((_, reject) => {
    setTimeout(() => {
      reject(error);
    }, ms);
  });

/** Asserts an optional part's result is a PartTimeoutError (of that part, when named). */
function expectTimedOut(result: { ok: boolean; error?: unknown }, part?: string): void {
  expect(result.ok).toBe(false);
  expect(result.error).toBeInstanceOf(PartTimeoutError);
  if (part !== undefined) expect(result.error).toMatchObject({ part });
}

describe('aggregate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a required part its value and an optional part { ok, value } or { ok: false, error }', async () => {
    const failure = new Error('pricing is down');
    const results = await aggregate({
      product: required(100, () => Promise.resolve({ sku: '000123' })),
      price: optional(100, () => Promise.resolve(129.9)),
      reviews: optional(100, () => Promise.reject(failure)),
    });
    expect(results.product).toEqual({ sku: '000123' });
    expect(results.price).toEqual({ ok: true, value: 129.9 });
    expect(results.reviews).toEqual({ ok: false, error: failure });
  });

  it('waits for every part that is still within its budget', async () => {
    const call = tracked(
      aggregate({
        product: required(1_000, () => after(10, 'product')),
        reviews: optional(1_000, () => after(300, 'reviews')),
      }),
    );
    await vi.advanceTimersByTimeAsync(299);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await call.promise).toEqual({
      product: 'product',
      reviews: { ok: true, value: 'reviews' },
    });
  });

  it('rejects with the error of a failed required part, at once, and aborts the signals of the other parts', async () => {
    const failure = new Error('the ERP is down');
    const price = hanging();
    const stock = honouring();
    const call = tracked(
      aggregate({
        product: required(1_000, () => failAfter(50, failure)),
        price: optional(1_000, price.run),
        stock: required(1_000, stock.run),
      }),
    );
    await vi.advanceTimersByTimeAsync(50);
    expect(call.settled()).toBe(true);
    await expect(call.promise).rejects.toBe(failure);
    expect(price.signal().aborted).toBe(true);
    expect(stock.signal().aborted).toBe(true);
  });

  it('keeps the other parts going when an optional part fails', async () => {
    const failure = new Error('reviews are down');
    const product = honouring();
    const call = tracked(
      aggregate({
        product: required(1_000, (call) =>
          Promise.race([after(100, 'product'), product.run(call)]),
        ),
        reviews: optional(1_000, () => Promise.reject(failure)),
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(product.signal().aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await call.promise).toEqual({
      product: 'product',
      reviews: { ok: false, error: failure },
    });
  });

  it('fails an optional part past its budget with PartTimeoutError and aborts its signal', async () => {
    const reviews = honouring();
    const call = tracked(
      aggregate({
        product: required(1_000, () => after(10, 'product')),
        reviews: optional(200, reviews.run),
      }),
    );
    await vi.advanceTimersByTimeAsync(199);
    expect(reviews.signal().aborted).toBe(false);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(reviews.signal().aborted).toBe(true);
    expect(reviews.signal().reason).toBeInstanceOf(PartTimeoutError);
    const results = await call.promise;
    expect(results.product).toBe('product');
    expectTimedOut(results.reviews, 'reviews');
  });

  it('rejects with PartTimeoutError when a required part runs past its budget', async () => {
    const product = honouring();
    const call = tracked(aggregate({ product: required(2_000, product.run) }));
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(call.promise).rejects.toBeInstanceOf(PartTimeoutError);
    await expect(call.promise).rejects.toMatchObject({ part: 'product' });
    expect(product.signal().aborted).toBe(true);
  });

  it('does not let a part that ignores its signal hold the call past its budget', async () => {
    const reviews = hanging();
    const call = tracked(
      aggregate({
        product: required(1_000, () => Promise.resolve('product')),
        reviews: optional(300, reviews.run),
      }),
    );
    await vi.advanceTimersByTimeAsync(299);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled()).toBe(true);
    const results = await call.promise;
    expectTimedOut(results.reviews, 'reviews');
    expect(reviews.signal().aborted).toBe(true);
  });

  it('cuts every part still running at the deadline, whatever its own budget', async () => {
    const price = hanging();
    const reviews = honouring();
    const call = tracked(
      aggregate(
        {
          product: required(5_000, () => after(100, 'product')),
          price: optional(5_000, price.run),
          reviews: optional(5_000, reviews.run),
        },
        { deadlineMs: 800 },
      ),
    );
    await vi.advanceTimersByTimeAsync(799);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled()).toBe(true);
    const results = await call.promise;
    expect(results.product).toBe('product');
    expectTimedOut(results.price, 'price');
    expectTimedOut(results.reviews, 'reviews');
    expect(price.signal().aborted).toBe(true);
    expect(reviews.signal().aborted).toBe(true);
  });

  it('rejects with PartTimeoutError when the deadline cuts a required part', async () => {
    const product = hanging();
    const call = tracked(aggregate({ product: required(5_000, product.run) }, { deadlineMs: 500 }));
    await vi.advanceTimersByTimeAsync(500);
    await expect(call.promise).rejects.toBeInstanceOf(PartTimeoutError);
    expect(product.signal().aborted).toBe(true);
  });

  it("rejects with AggregateAbortedError and aborts every part's signal when the caller's signal fires", async () => {
    const caller = new AbortController();
    const product = hanging();
    const price = honouring();
    const reviews = hanging();
    const call = tracked(
      aggregate(
        {
          product: required(5_000, product.run),
          price: optional(5_000, price.run),
          reviews: optional(5_000, reviews.run),
        },
        { signal: caller.signal },
      ),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(call.settled()).toBe(false);
    caller.abort();
    await vi.advanceTimersByTimeAsync(0);
    await expect(call.promise).rejects.toBeInstanceOf(AggregateAbortedError);
    for (const part of [product, price, reviews]) expect(part.signal().aborted).toBe(true);
    expect(product.signal().reason).toBeInstanceOf(AggregateAbortedError);
  });

  it("rejects with AggregateAbortedError without starting any part when the caller's signal has already fired", async () => {
    const caller = new AbortController();
    caller.abort();
    const run = vi.fn(() => Promise.resolve('product'));
    await expect(
      aggregate({ product: required(1_000, run) }, { signal: caller.signal }),
    ).rejects.toBeInstanceOf(AggregateAbortedError);
    expect(run).not.toHaveBeenCalled();
  });

  it('lets many calls of many parts listen on one budget without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const listening = ({ signal }: CallOptions): Promise<string> =>
        new Promise((resolve) => {
          const onAbort = (): void => undefined;
          signal?.addEventListener('abort', onAbort);
          setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve('done');
          }, 10);
        });
      const parts = Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [
          `part${String(i)}`,
          optional(1_000, (call) => Promise.all([listening(call), listening(call)])),
        ]),
      );
      const call = aggregate(parts);
      await vi.advanceTimersByTimeAsync(10);
      await call;
      await vi.advanceTimersByTimeAsync(0);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it("hands every part the caller's scope, with the signal of the part's own budget", async () => {
    const seen: Record<string, CallOptions> = {};
    const record = (name: string) => (call: CallOptions) => {
      seen[name] = call;
      return Promise.resolve(name);
    };
    const scope = { requestId: 'req-42' };
    await aggregate(
      {
        product: required(2_000, record('product')),
        price: optional(1_000, record('price')),
        stock: optional(1_000, record('stock')),
      },
      { scope },
    );
    expect(seen.product?.scope).toBe(scope);
    expect(seen.price?.scope).toBe(scope);
    expect(seen.price?.signal?.aborted).toBe(false);
    // One signal per budget: parts with the same budget share it, another budget has its own.
    expect(seen.stock?.signal).toBe(seen.price?.signal);
    expect(seen.product?.signal).not.toBe(seen.price?.signal);
  });

  it('leaves no timer behind once the call has settled', async () => {
    await aggregate(
      {
        product: required(1_000, () => Promise.resolve('product')),
        reviews: optional(1_000, () => Promise.resolve([])),
      },
      { deadlineMs: 2_000 },
    );
    expect(vi.getTimerCount()).toBe(0);
  });
});
