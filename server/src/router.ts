import { accountRouter } from './procedures/account.js';
import { cartRouter } from './procedures/cart.js';
import { fxRouter } from './procedures/fx.js';
import { ordersRouter } from './procedures/orders.js';
import { productRouter } from './procedures/product.js';
import { router } from './trpc.js';

export const appRouter = router({
  product: productRouter,
  fx: fxRouter,
  cart: cartRouter,
  account: accountRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;
