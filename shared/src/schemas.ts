import { z } from 'zod';

/** A SKU: 1 to 32 characters of `[0-9A-Za-z-]`; leading zeros matter (`000123` ≠ `123`). */
export const SKU_PATTERN = /^[0-9A-Za-z-]{1,32}$/;

export const skuSchema = z
  .string()
  .regex(SKU_PATTERN, 'a SKU is 1 to 32 characters of 0-9, A-Z, a-z and -');

/** A currency input: three upper-case letters (whether it is known is checked against the day's FX file). */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'a currency is three upper-case letters');

export const moneySchema = z.object({
  /** A decimal string with the currency's minor digits: `"129.90"`, `"16289"` (JPY). */
  amount: z.string(),
  currencyCode: z.string(),
});
export type Money = z.infer<typeof moneySchema>;

export const productStatusSchema = z.enum(['active', 'discontinued']);

export const productSummarySchema = z.object({
  sku: z.string(),
  name: z.string(),
  brand: z.string(),
  image: z.string().nullable(),
  price: moneySchema.nullable(),
  status: productStatusSchema,
});
export type ProductSummary = z.infer<typeof productSummarySchema>;
