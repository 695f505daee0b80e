import { z } from 'zod';
import { currencyCodeSchema, moneySchema, productSummarySchema, skuSchema } from './schemas.js';

/** Most units of one SKU in a cart. */
export const CART_MAX_QUANTITY = 99;

export const cartGetInput = z.strictObject({ currency: currencyCodeSchema.optional() }).default({});

export const cartSetItemInput = z.strictObject({
  sku: skuSchema,
  /** 0 removes the line. */
  quantity: z.number().int().min(0).max(CART_MAX_QUANTITY),
  /** The cart's version as last seen; a concurrent change is then a VERSION_CONFLICT. */
  expectedVersion: z.number().int().min(0).optional(),
  currency: currencyCodeSchema.optional(),
});
export type CartSetItemInput = z.input<typeof cartSetItemInput>;

export const CART_DEGRADABLE = ['prices', 'availability'] as const;

export const cartOutput = z.object({
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      image: z.string().nullable(),
      quantity: z.number(),
      unitPrice: moneySchema.nullable(),
      lineTotal: moneySchema.nullable(),
      available: z.boolean(),
    }),
  ),
  itemCount: z.number(),
  subtotal: moneySchema.nullable(),
  version: z.number(),
  degraded: z.array(z.enum(CART_DEGRADABLE)),
});
export type Cart = z.infer<typeof cartOutput>;

export const dashboardInput = z
  .strictObject({ currency: currencyCodeSchema.optional() })
  .default({});

/** The parts of the dashboard that degrade, in the order `degraded` lists them. */
export const DASHBOARD_DEGRADABLE = [
  'loyalty',
  'recentOrders',
  'cart',
  'wishlist',
  'notifications',
  'recommendations',
  'prices',
] as const;

export const orderStatusSchema = z.enum([
  'ACCEPTED',
  'PICKING',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
]);

const orderSummary = z.object({
  orderNo: z.string(),
  placedAt: z.date(),
  status: orderStatusSchema,
  total: moneySchema,
});

export const dashboardOutput = z.object({
  profile: z.object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    tier: z.string(),
  }),
  loyalty: z
    .object({
      points: z.number(),
      tier: z.string(),
      nextTier: z.object({ name: z.string(), pointsNeeded: z.number() }).nullable(),
    })
    .nullable(),
  recentOrders: z.array(orderSummary),
  cart: z.object({ itemCount: z.number(), subtotal: moneySchema.nullable() }).nullable(),
  wishlist: z.array(productSummarySchema),
  notifications: z
    .object({
      unread: z.number(),
      items: z.array(
        z.object({ id: z.string(), kind: z.string(), text: z.string(), createdAt: z.date() }),
      ),
    })
    .nullable(),
  recommendations: z.array(productSummarySchema),
  degraded: z.array(z.enum(DASHBOARD_DEGRADABLE)),
});
export type Dashboard = z.infer<typeof dashboardOutput>;

export const ordersListOutput = z.object({
  orders: z.array(orderSummary.extend({ lineCount: z.number() })),
});
export type OrdersList = z.infer<typeof ordersListOutput>;

/** Text XML 1.0 can carry: no control characters other than tab, line feed and carriage return, no lone surrogates. */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const XML_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const shipToField = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim() !== '', 'must not be empty')
    .refine(
      (value) => XML_TEXT.test(value) && !LONE_SURROGATE.test(value),
      'holds characters an order cannot carry (control characters)',
    );

export const ordersPlaceInput = z.strictObject({
  shipTo: z.strictObject({
    name: shipToField(200),
    street: shipToField(200),
    city: shipToField(100),
    postalCode: shipToField(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code'),
  }),
  /** An idempotency key: the same one places the order once. */
  clientReference: z.uuid(),
});
export type OrdersPlaceInput = z.input<typeof ordersPlaceInput>;

export const ordersPlaceOutput = z.object({
  orderNo: z.string(),
  status: z.string(),
  total: moneySchema,
  estimatedDelivery: z.string().nullable(),
});
export type OrderConfirmation = z.infer<typeof ordersPlaceOutput>;
