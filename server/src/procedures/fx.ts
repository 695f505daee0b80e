import { fxRatesOutput } from '@storefront/shared';
import { aggregate, required } from '../kit/aggregate.js';
import { HTTP_MAX_AGE_SECONDS } from '../upstreams/cache-policies.js';
import { publicProcedure, router } from '../trpc.js';

export const fxRouter = router({
  rates: publicProcedure.output(fxRatesOutput).query(async ({ ctx, signal }) => {
    const { day } = await aggregate({ day: required(ctx.config.UPSTREAM_TIMEOUT_MS, (s) => ctx.upstreams.fx.getDailyRates(s)) }, { signal });
    ctx.cacheHints.push(HTTP_MAX_AGE_SECONDS.fxRates);
    return {
      date: day.date,
      base: 'EUR' as const,
      rates: Object.fromEntries([...day.rates].map(([currency, rate]) => [currency, Number(rate)])),
    };
  }),
});
