import { useQuery } from '@tanstack/react-query';
import { useStorefront } from '@storefront/client/react';
import { Degraded, ErrorNotice, Money } from './problems.js';

/** The account dashboard: one call that stands for about ten upstream calls. */
export function Account({ currency }: { currency: string }) {
  const trpc = useStorefront();
  const dashboard = useQuery(trpc.account.dashboard.queryOptions({ currency }));
  if (dashboard.isPending) return <p role="status">Loading…</p>;
  if (dashboard.isError) return <ErrorNotice error={dashboard.error} />;
  const { profile, loyalty, recentOrders, cart, notifications, degraded } = dashboard.data;
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">
        Hello, {profile.firstName} {profile.lastName}
      </h1>
      <Degraded parts={degraded} />
      {loyalty && (
        <p>
          {loyalty.points} loyalty points ({loyalty.tier})
          {loyalty.nextTier &&
            `, ${String(loyalty.nextTier.pointsNeeded)} more for ${loyalty.nextTier.name}`}
        </p>
      )}
      {cart && (
        <p>
          Cart: {cart.itemCount} items, <Money value={cart.subtotal} />
        </p>
      )}
      <h2 id="orders-heading">Recent orders</h2>
      <ul aria-labelledby="orders-heading">
        {recentOrders.map((order) => (
          <li key={order.orderNo}>
            {order.orderNo} of {order.placedAt.toLocaleDateString('en-GB')}: {order.status},{' '}
            <Money value={order.total} />
          </li>
        ))}
      </ul>
      {notifications && (
        <>
          <h2 id="notifications-heading">Notifications ({notifications.unread} unread)</h2>
          <ul aria-labelledby="notifications-heading">
            {notifications.items.map((item) => (
              <li key={item.id}>{item.text}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
