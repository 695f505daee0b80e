import {
  productPageInput,
  productPageLaterOutput,
  productPageOutput,
  productPageProgressiveOutput,
  type ProductPageInput,
  productSearchInput,
  productSearchOutput,
} from '@storefront/shared';
import {
  productPage,
  productPageFirst,
  productPageLater,
  RECOMMENDATIONS_ASKED,
  REVIEWS_SHOWN,
  searchView,
} from '../domain/product.js';
import { productNotFound } from '../errors.js';
import { aggregate, optional, required } from '../kit/aggregate.js';
import { createDeadline } from '../kit/deadline.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import { tagsOf } from '../upstreams/cache-policies.js';
import type { Price } from '../upstreams/pricing/records.js';
import type { Converter } from '../domain/currency.js';
import { publicProcedure, router, type Context } from '../trpc.js';
import { converterOf, converterPart } from './parts.js';

/**
 * The parts of a product page, as `aggregate` runs them. FX (shared by the price and the
 * recommendations' prices) and the recommended SKUs (shared by two parts) are asked once, however
 * many parts and aggregates use them.
 */
function pageParts(input: ProductPageInput, ctx: Context) {
  const { erp, pricing, reviews, recommendations, fx } = ctx.upstreams;
  const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
  let converting: Promise<Converter | undefined> | undefined;
  const convert = (call: CallOptions): Promise<Converter | undefined> =>
    (converting ??= converterPart(input.currency ?? 'EUR', fx)(call));
  let recommended: Promise<string[]> | undefined;
  const recommendedSkus = (call: CallOptions): Promise<string[]> =>
    (recommended ??= recommendations
      .forSku(input.sku, RECOMMENDATIONS_ASKED, call)
      .then((skus) => skus.filter((sku) => sku !== input.sku)));
  return {
    /** The whole call's deadline: the longest budget and a margin. */
    deadlineMs: Math.max(erpBudget, partBudget) + 500,
    first: {
      product: required(erpBudget, (call) => erp.getProduct(input.sku, call)),
      // A currency the ECB does not list fails the page.
      convert: optional(partBudget, convert),
      price: optional(partBudget, async (call) =>
        (await pricing.getPrices([input.sku], call)).get(input.sku),
      ),
      availability: optional(
        partBudget,
        async (call) => (await erp.getStock([input.sku], call)).get(input.sku) ?? [],
      ),
    },
    later: {
      // Recommended SKUs are hydrated with one GetProducts and one prices call, never one call
      // per SKU; the two run as parts of their own, so that pricing trouble leaves the
      // recommendations shown without prices. First: the page's longest chain of calls.
      recommendations: optional(partBudget, async (call) => {
        const skus = await recommendedSkus(call);
        return { skus, products: await erp.getProducts(skus, call) };
      }),
      recommendationPrices: optional(partBudget, async (call) =>
        pricing.getPrices(await recommendedSkus(call), call),
      ),
      convert: optional(partBudget, convert),
      reviews: optional(partBudget, (call) => reviews.getReviews(input.sku, REVIEWS_SHOWN, call)),
    },
  };
}

export const productRouter = router({
  page: publicProcedure
    // Stock (5 s) is the shortest-lived part of a page; an order of the SKU drops the kept answer at once.
    .meta({
      publicMaxAgeSeconds: 5,
      tagsOf: (input) => {
        const parsed = productPageInput.safeParse(input);
        return parsed.success ? tagsOf.productPage(parsed.data.sku) : [];
      },
    })
    .input(productPageInput)
    .output(productPageOutput)
    .query(async ({ input, ctx, signal }) => {
      const { first, later, deadlineMs } = pageParts(input, ctx);
      // Parts start in this order: the recommendations' chain (recommendations, then their
      // products and prices) first, so that its second round overlaps the others.
      const parts = await aggregate(
        { ...later, ...first },
        { signal, scope: ctx.scope, deadlineMs },
      );
      if (!parts.product) throw productNotFound(input.sku);
      return productPage({ ...parts, product: parts.product, convert: converterOf(parts.convert) });
    }),

  /**
   * `product.page` in two parts: the first as soon as the ERP, pricing and stock have answered,
   * `later` (reviews, recommendations) streamed after it in the same answer. Both parts' calls
   * start at once. Over a non-streaming link the answer waits for `later` and holds its value.
   */
  pageProgressive: publicProcedure
    .input(productPageInput)
    .output(productPageProgressiveOutput)
    .query(async ({ input, ctx, signal }) => {
      const { first, later, deadlineMs } = pageParts(input, ctx);
      // The later part stops with the first when that fails (or the client goes away).
      const stopLater = createDeadline(signal);
      const laterParts = aggregate(later, {
        signal: stopLater.signal,
        scope: ctx.scope,
        deadlineMs,
      });
      let firstParts;
      try {
        firstParts = await aggregate(first, { signal, scope: ctx.scope, deadlineMs });
        if (!firstParts.product) throw productNotFound(input.sku);
      } catch (error) {
        stopLater.abort();
        laterParts.catch(() => undefined);
        throw error;
      }
      const convert = converterOf(firstParts.convert);
      const laterPart = laterParts.then((parts) =>
        productPageLaterOutput.parse(productPageLater({ ...parts, convert })),
      );
      return {
        ...productPageFirst({ ...firstParts, product: firstParts.product, convert }),
        later: ctx.streaming ? laterPart : await laterPart,
      };
    }),

  search: publicProcedure
    // Prices (10 s) are the shortest-lived part of a result page.
    .meta({ publicMaxAgeSeconds: 10 })
    .input(productSearchInput)
    .output(productSearchOutput)
    .query(async ({ input, ctx, signal }) => {
      const { erp, pricing, fx } = ctx.upstreams;
      const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      const query = input.query?.trim();
      const found = await aggregate(
        {
          convert: optional(partBudget, converterPart(input.currency ?? 'EUR', fx)),
          results: required(erpBudget, (call) =>
            erp.searchProducts(
              {
                ...(query ? { query } : {}),
                ...(input.category ? { category: input.category } : {}),
                page: input.page,
                pageSize: input.pageSize,
              },
              call,
            ),
          ),
        },
        { signal, scope: ctx.scope },
      );
      const skus = found.results.products.map((product) => product.sku);
      const { prices } = await aggregate(
        {
          prices: optional(partBudget, (call): Promise<ReadonlyMap<string, Price>> =>
            pricing.getPrices(skus, call),
          ),
        },
        { signal, scope: ctx.scope },
      );
      return searchView(found.results, input, prices, converterOf(found.convert));
    }),
});
