import { fxRatesOutput } from '@storefront/shared';
import { ratesView } from '../domain/currency.js';
import { aggregate, required } from '../kit/aggregate.js';
import { publicProcedure, router } from '../trpc.js';

export const fxRouter = router({
  rates: publicProcedure
    // The ECB file changes once a working day.
    .meta({ publicMaxAgeSeconds: 300 })
    .output(fxRatesOutput)
    .query(async ({ ctx, signal }) => {
      const { day } = await aggregate(
        {
          day: required(ctx.config.UPSTREAM_TIMEOUT_MS, (call) =>
            ctx.upstreams.fx.getDailyRates(call),
          ),
        },
        { signal, scope: ctx.scope },
      );
      return ratesView(day);
    }),
});
