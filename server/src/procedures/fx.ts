import { fxRatesOutput } from '@storefront/shared';
import { aggregate, required } from '../kit/aggregate.js';
import { publicProcedure, router } from '../trpc.js';

export const fxRouter = router({
  rates: publicProcedure.output(fxRatesOutput).query(async ({ ctx, signal }) => {
    const { day } = await aggregate({ day: required(ctx.config.UPSTREAM_TIMEOUT_MS, (s) => ctx.upstreams.rates.get(s)) }, { signal });
    return {
      date: day.date,
      base: 'EUR' as const,
      rates: Object.fromEntries([...day.rates].map(([currency, rate]) => [currency, Number(rate)])),
    };
  }),
});
