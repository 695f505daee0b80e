import { z } from 'zod';
import { deferred } from './deferred.js';
import {
  currencyCodeSchema,
  moneySchema,
  productStatusSchema,
  productSummarySchema,
  skuSchema,
} from './schemas.js';

export const productPageInput = z.strictObject({
  sku: skuSchema,
  currency: currencyCodeSchema.optional(),
});
export type ProductPageInput = z.infer<typeof productPageInput>;

/** The optional parts of a product page, in the order `degraded` lists them. */
export const PRODUCT_PAGE_PARTS = ['price', 'availability', 'reviews', 'recommendations'] as const;

export const productPageOutput = z.object({
  product: z.object({
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    brand: z.string(),
    category: z.object({ code: z.string(), name: z.string() }),
    status: productStatusSchema,
    attributes: z.array(z.object({ name: z.string(), value: z.string() })),
    images: z.array(z.object({ role: z.string(), url: z.string() })),
    weightGrams: z.number().nullable(),
    ean: z.string().nullable(),
    updatedAt: z.date(),
  }),
  price: z
    .object({
      current: moneySchema,
      compareAt: moneySchema.nullable(),
      promotion: z.object({ code: z.string(), label: z.string() }).nullable(),
    })
    .nullable(),
  availability: z
    .object({
      inStock: z.boolean(),
      quantity: z.number(),
      warehouses: z.array(z.object({ code: z.string(), quantity: z.number() })),
    })
    .nullable(),
  rating: z.object({ average: z.number(), count: z.number() }).nullable(),
  reviews: z.array(
    z.object({
      id: z.string(),
      author: z.string(),
      rating: z.number(),
      title: z.string(),
      body: z.string(),
      createdAt: z.date(),
    }),
  ),
  recommendations: z.array(productSummarySchema),
  degraded: z.array(z.enum(PRODUCT_PAGE_PARTS)),
});
export type ProductPage = z.infer<typeof productPageOutput>;

/** `product.pageProgressive`'s first part: the parts that answer it, in the order `degraded` lists them. */
export const PRODUCT_PAGE_FIRST_PARTS = ['price', 'availability'] as const;
/** `product.pageProgressive`'s later part, in the order its `degraded` lists them. */
export const PRODUCT_PAGE_LATER_PARTS = ['reviews', 'recommendations'] as const;

/** What `product.pageProgressive` sends after the first part: reviews and recommendations. */
export const productPageLaterOutput = z.object({
  rating: productPageOutput.shape.rating,
  reviews: productPageOutput.shape.reviews,
  recommendations: productPageOutput.shape.recommendations,
  degraded: z.array(z.enum(PRODUCT_PAGE_LATER_PARTS)),
});
export type ProductPageLater = z.infer<typeof productPageLaterOutput>;

/**
 * `product.page` in two parts: the product with its price and stock as soon as the ERP, pricing
 * and stock have answered, and `later` (reviews and recommendations) in the same streamed answer.
 */
export const productPageProgressiveOutput = z.object({
  product: productPageOutput.shape.product,
  price: productPageOutput.shape.price,
  availability: productPageOutput.shape.availability,
  degraded: z.array(z.enum(PRODUCT_PAGE_FIRST_PARTS)),
  later: deferred(productPageLaterOutput),
});
export type ProductPageProgressive = z.infer<typeof productPageProgressiveOutput>;

/** The largest `pageSize` of `product.search`. */
export const SEARCH_MAX_PAGE_SIZE = 50;

export const productSearchInput = z.strictObject({
  query: z.string().max(200).optional(),
  category: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,32}$/, 'a category code is 1 to 32 characters of 0-9, A-Z, a-z and -')
    .optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(SEARCH_MAX_PAGE_SIZE).default(20),
  currency: currencyCodeSchema.optional(),
});
export type ProductSearchInput = z.input<typeof productSearchInput>;

export const productSearchOutput = z.object({
  items: z.array(productSummarySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  totalPages: z.number(),
  degraded: z.array(z.enum(['prices'])),
});
export type ProductSearch = z.infer<typeof productSearchOutput>;

export const fxRatesOutput = z.object({
  date: z.string(),
  base: z.literal('EUR'),
  rates: z.record(z.string(), z.number()),
});
export type FxRates = z.infer<typeof fxRatesOutput>;
