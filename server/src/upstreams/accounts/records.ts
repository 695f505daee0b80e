import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the accounts client answers (./client.ts): plain records, the shapes domain/ builds on. */

/** A user's profile. */
export interface Account {
  id: string;
  email: string;
  name: { first: string; last: string };
  locale?: string | undefined;
  /** ISO 4217: `EUR`. */
  currency: string;
  tier: string;
}

/** A user's loyalty standing. */
export interface Loyalty {
  points: number;
  tier: string;
  nextTier: { name: string; pointsNeeded: number } | null;
}

export interface AccountsClient {
  /** The profile, or undefined when the service knows no such user. */
  getUser(userId: string, call?: CallOptions): Promise<Account | undefined>;
  /** The loyalty standing, or undefined when the service knows no such user. */
  getLoyalty(userId: string, call?: CallOptions): Promise<Loyalty | undefined>;
}
