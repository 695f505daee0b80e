import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the reviews client answers (./client.ts): a plain record. */

/** A product's rating summary and its newest reviews. */
export interface Reviews {
  /** `average` from 0 to 5. */
  summary: { average: number; count: number };
  reviews: {
    id: string;
    author: string;
    rating: number;
    title: string;
    body: string;
    createdAt: Date;
  }[];
}

export interface ReviewsClient {
  /** The rating summary and the newest `limit` reviews; a product the service does not know has none. */
  getReviews(sku: string, limit: number, call?: CallOptions): Promise<Reviews>;
}
