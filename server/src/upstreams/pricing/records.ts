import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the pricing client answers (./client.ts): plain records, by SKU. */

/** A SKU's price in EUR, amounts as exact decimal strings. */
export interface Price {
  amount: string;
  compareAt: string | null;
  promotion: { code: string; label: string } | null;
}

export interface PricingClient {
  /** Prices by SKU; SKUs without a price are absent. Split into parallel calls of at most 50 SKUs. */
  getPrices(skus: readonly string[], call?: CallOptions): Promise<Map<string, Price>>;
}
