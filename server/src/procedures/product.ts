import { PRODUCT_PAGE_PARTS, productPageInput, productPageOutput, productSearchInput, productSearchOutput, SKU_PATTERN, type ProductSummary } from '@storefront/shared';
import { aggregate, degradedOf, optional, required } from '../kit/aggregate.js';
import { UpstreamError } from '../kit/upstream-error.js';
import { ApiError } from '../errors.js';
import type { UpstreamPrice } from '../upstreams/json/catalog-services.js';
import { RECOMMENDATIONS_ASKED, RECOMMENDATIONS_SHOWN, summariesOf, toAvailability, toPrice, toProduct, toSummary } from '../domain/product.js';
import { HTTP_MAX_AGE_SECONDS, tagsOf } from '../upstreams/cache-policies.js';
import { publicProcedure, router } from '../trpc.js';
import { converterOf, currencyConverter } from './currency.js';

const REVIEWS_SHOWN = 3;

type PagePart = (typeof PRODUCT_PAGE_PARTS)[number];

export const productRouter = router({
  page: publicProcedure
    .input(productPageInput)
    .output(productPageOutput)
    .query(async ({ input, ctx, signal }) => {
      const { erp, pricing, reviews, recommendations, fx } = ctx.upstreams;
      const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      const currency = input.currency ?? 'EUR';
      let recommended: Promise<string[]> | undefined;
      const recommendedSkus = (s: AbortSignal): Promise<string[]> =>
        (recommended ??= recommendations
          .forSku(input.sku, RECOMMENDATIONS_ASKED, s)
          .then((skus) => skus.filter((sku) => SKU_PATTERN.test(sku) && sku !== input.sku)));

      const parts = await aggregate(
        {
          product: required(erpBudget, (s) => erp.getProduct(input.sku, s)),
          // Shared by price and recommendations; a currency the ECB does not list fails the page.
          convert: optional(partBudget, (s) => currencyConverter(currency, fx, s)),
          price: optional(partBudget, async (s) => (await pricing.getPrices([input.sku], s)).get(input.sku)),
          availability: optional(partBudget, (s) => erp.getStock([input.sku], s)),
          reviews: optional(partBudget, (s) => reviews.getReviews(input.sku, REVIEWS_SHOWN, s)),
          // Recommended SKUs are hydrated with one GetProducts and one prices call, never one call
          // per SKU; the two run as parts of their own, so that pricing trouble leaves the
          // recommendations shown without prices.
          recommendations: optional(partBudget, async (s) => {
            const skus = await recommendedSkus(s);
            return { skus, products: skus.length === 0 ? [] : await erp.getProducts(skus, s) };
          }),
          recommendationPrices: optional(partBudget, async (s) => {
            const skus = await recommendedSkus(s);
            return skus.length === 0 ? new Map<string, UpstreamPrice>() : pricing.getPrices(skus, s);
          }),
        },
        { signal, deadlineMs: Math.max(erpBudget, partBudget) + 500 },
      ).catch((error: unknown) => {
        if (error instanceof UpstreamError && error.kind === 'fault' && error.faultCode === 'PRODUCT_NOT_FOUND') {
          throw new ApiError({ code: 'NOT_FOUND', message: `No product ${input.sku}`, appCode: 'PRODUCT_NOT_FOUND', cause: error });
        }
        throw error;
      });

      const convert = converterOf(parts.convert);
      const failed = new Set<PagePart>();
      let price = null;
      if (!parts.price.ok || !convert) failed.add('price');
      else price = toPrice(parts.price.value, convert);

      let shown: ProductSummary[] = [];
      if (parts.recommendations.ok) {
        const { skus, products } = parts.recommendations.value;
        const prices = parts.recommendationPrices.ok ? parts.recommendationPrices.value : undefined;
        const bySku = new Map(products.map((product) => [product['@_sku'], product]));
        shown = summariesOf(skus, bySku, prices, convert, true).slice(0, RECOMMENDATIONS_SHOWN);
        // Prices missing for a failure (pricing or FX), not because there are none: `price` is degraded.
        if ((!prices || !convert) && shown.length > 0) failed.add('price');
      } else failed.add('recommendations');
      if (!parts.availability.ok) failed.add('availability');
      if (!parts.reviews.ok) failed.add('reviews');

      const degraded = degradedOf(PRODUCT_PAGE_PARTS, failed);
      ctx.cacheHints.push(degraded.length === 0 ? HTTP_MAX_AGE_SECONDS.productPage : null);
      ctx.cacheTags.push(...tagsOf.productPage(input.sku));
      return {
        product: toProduct(parts.product),
        price,
        availability: parts.availability.ok ? toAvailability(parts.availability.value) : null,
        rating: parts.reviews.ok ? parts.reviews.value.summary : null,
        reviews: parts.reviews.ok ? parts.reviews.value.reviews.slice(0, REVIEWS_SHOWN) : [],
        recommendations: shown,
        degraded,
      };
    }),

  search: publicProcedure
    .input(productSearchInput)
    .output(productSearchOutput)
    .query(async ({ input, ctx, signal }) => {
      const { erp, pricing, fx } = ctx.upstreams;
      const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
      const currency = input.currency ?? 'EUR';
      const query = input.query?.trim();

      const parts = await aggregate(
        {
          convert: optional(partBudget, (s) => currencyConverter(currency, fx, s)),
          results: required(erpBudget, (s) =>
            erp.searchProducts({ ...(query ? { query } : {}), ...(input.category ? { category: input.category } : {}), page: input.page, pageSize: input.pageSize }, s),
          ),
        },
        { signal },
      );
      const { total, products } = parts.results;
      const skus = products.map((product) => product['@_sku']);
      const prices = skus.length === 0 ? { ok: true as const, value: new Map<string, UpstreamPrice>() } : (await aggregate({ prices: optional(partBudget, (s) => pricing.getPrices(skus, s)) }, { signal })).prices;
      const convert = converterOf(parts.convert);
      const priced = prices.ok && convert !== undefined;
      ctx.cacheHints.push(priced || skus.length === 0 ? HTTP_MAX_AGE_SECONDS.productSearch : null);
      return {
        items: products.map((product) => toSummary(product, prices.ok ? prices.value.get(product['@_sku']) : undefined, convert)),
        page: input.page,
        pageSize: input.pageSize,
        total,
        totalPages: Math.ceil(total / input.pageSize),
        degraded: priced || skus.length === 0 ? [] : ['prices' as const],
      };
    }),
});
