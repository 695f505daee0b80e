import { fxRouter } from './procedures/fx.js';
import { productRouter } from './procedures/product.js';
import { router } from './trpc.js';

export const appRouter = router({
  product: productRouter,
  fx: fxRouter,
});

export type AppRouter = typeof appRouter;
