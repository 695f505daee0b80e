import { createStorefrontClient } from '@storefront/client';
import type { Sandbox } from '@storefront/sandbox';
import { median } from '../report/results.js';

/** How soon `product.pageProgressive`'s first part is on the client, beside the whole page's time. */
export interface FirstPartResult {
  requests: number;
  /** Latency added to the reviews service during the step: the slow part a shopper waits for. */
  reviewsDelayMs: number;
  /** Medians, ms, on one connection: the first part (product, price, stock) on the client… */
  firstPartMs: number;
  /** …`later` (reviews, recommendations) on the client, in the same streamed answer… */
  laterMs: number;
  /** …and `product.page` whole, over the plain batch link, for the same SKUs. */
  wholePageMs: number;
}

export interface FirstPartOptions {
  sandbox: Sandbox;
  /** The BFF's base URL (cache off, so every page does its upstream work). */
  url: string;
  /** The SKU of request i. */
  skuOf: (i: number) => string;
  requests: number;
  reviewsDelayMs: number;
}

/**
 * One request at a time through the real client: `product.pageProgressive` over the streaming link
 * (timing the first part and then `later`), then `product.page` for another SKU over the plain
 * link, with the reviews service made slower than the rest for the step.
 */
export async function measureFirstPart(options: FirstPartOptions): Promise<FirstPartResult> {
  const url = `${options.url}/trpc`;
  const streaming = createStorefrontClient({ url, stream: true });
  const plain = createStorefrontClient({ url });
  const first: number[] = [];
  const later: number[] = [];
  const whole: number[] = [];
  options.sandbox.faults.inject('reviews', { kind: 'latency', ms: options.reviewsDelayMs });
  try {
    for (let i = 0; i < options.requests; i += 1) {
      const started = performance.now();
      const page = await streaming.product.pageProgressive.query({ sku: options.skuOf(2 * i) });
      first.push(performance.now() - started);
      await page.later;
      later.push(performance.now() - started);
      const wholeStarted = performance.now();
      await plain.product.page.query({ sku: options.skuOf(2 * i + 1) });
      whole.push(performance.now() - wholeStarted);
    }
  } finally {
    options.sandbox.faults.clear('reviews');
  }
  return {
    requests: options.requests,
    reviewsDelayMs: options.reviewsDelayMs,
    firstPartMs: median(first),
    laterMs: median(later),
    wholePageMs: median(whole),
  };
}
