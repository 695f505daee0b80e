import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the recommendations client answers (./client.ts): SKUs, best first. */

export interface RecommendationsClient {
  /** At most `limit` recommended SKUs, best first; some may be unknown to the ERP or discontinued. */
  forSku(sku: string, limit: number, call?: CallOptions): Promise<string[]>;
  forUser(userId: string, limit: number, call?: CallOptions): Promise<string[]>;
}
