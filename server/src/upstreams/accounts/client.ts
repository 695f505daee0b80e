import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { Account, AccountsClient, Loyalty } from './records.js';

const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.object({ first: z.string(), last: z.string() }),
  locale: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  tier: z.string(),
}) satisfies z.ZodType<Account>;

const loyaltySchema = z.object({
  points: z.number(),
  tier: z.string(),
  nextTier: z.object({ name: z.string(), pointsNeeded: z.number() }).nullable(),
}) satisfies z.ZodType<Loyalty>;

export function createAccountsClient(upstream: Upstream): AccountsClient {
  return {
    getUser: (userId, call) =>
      upstream.call(
        { operation: 'getUser', path: `/users/${segment(userId)}` },
        (answer) => (answer.status === 404 ? undefined : decodeJson(answer, accountSchema)),
        call,
      ),
    getLoyalty: (userId, call) =>
      upstream.call(
        { operation: 'getLoyalty', path: `/users/${segment(userId)}/loyalty` },
        (answer) => (answer.status === 404 ? undefined : decodeJson(answer, loyaltySchema)),
        call,
      ),
  };
}
