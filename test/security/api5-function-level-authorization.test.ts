import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { SIGNED_IN_CALLS, callSignedIn, upstreamCallsBesidesIdp } from '../helpers/tokens.js';
import { rawRequest, wireError } from '../helpers/wire.js';

// OWASP API5:2023, broken function level authorization: signed-in functions need a signed-in
// user, mutations need a POST, and nothing else is exposed.

describe('API5: functions', () => {
  const bff = useBff();

  it.each(SIGNED_IN_CALLS.map((call) => [call.path, call] as const))(
    'refuses %s without a token, before any upstream call',
    async (_, call) => {
      const answer = await callSignedIn(bff(), call, undefined);
      expect(answer.status).toBe(401);
      expect(wireError(answer.body)?.data).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(upstreamCallsBesidesIdp(bff().sandbox.calls.snapshot())).toEqual([]);
    },
  );

  it('refuses a mutation sent as a GET', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { sku: '000219', quantity: 1 } }));
    const answer = await rawRequest(bff(), `/trpc/cart.setItem?input=${input}`, {
      headers: { authorization: `Bearer ${await bff().sandbox.idp.tokenFor('ann')}` },
    });
    expect(answer.status).toBe(405);
    expect(bff().sandbox.calls.count('cart')).toBe(0);
  });
});
