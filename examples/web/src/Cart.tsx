import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isStorefrontError } from '@storefront/client';
import { useStorefront } from '@storefront/client/react';
import { useState, type SyntheticEvent } from 'react';
import { Degraded, ErrorNotice, Money } from './problems.js';
import { hrefOf } from './route.js';

const ADDRESS_FIELDS = [
  ['name', 'Full name'],
  ['street', 'Street'],
  ['city', 'City'],
  ['postalCode', 'Postal code'],
  ['country', 'Country code'],
] as const;
type Address = Record<(typeof ADDRESS_FIELDS)[number][0], string>;

/** The cart: quantities change with the version the page last saw; a conflict reloads it. */
export function Cart({ currency }: { currency: string }) {
  const trpc = useStorefront();
  const queryClient = useQueryClient();
  const cartKey = trpc.cart.get.queryKey({ currency });
  const cart = useQuery(trpc.cart.get.queryOptions({ currency }));
  const [address, setAddress] = useState<Address>({
    name: '',
    street: '',
    city: '',
    postalCode: '',
    country: 'DE',
  });
  // One reference per order attempt: a retry of the same attempt places it once.
  const [reference, setReference] = useState(() => crypto.randomUUID());
  const setItem = useMutation(
    trpc.cart.setItem.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(cartKey, next);
      },
      onError: (error) => {
        if (isStorefrontError(error, 'VERSION_CONFLICT'))
          void queryClient.invalidateQueries({ queryKey: cartKey });
      },
    }),
  );
  const place = useMutation(
    trpc.orders.place.mutationOptions({
      onSuccess: () => {
        setReference(crypto.randomUUID());
        void queryClient.invalidateQueries({ queryKey: cartKey });
        void queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.account.dashboard.queryKey() });
      },
    }),
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    place.mutate({ shipTo: address, clientReference: reference });
  };

  if (place.isSuccess)
    return (
      <section aria-labelledby="confirmation-heading">
        <h1 id="confirmation-heading">Thank you for your order</h1>
        <p>
          Order number <strong>{place.data.orderNo}</strong>, total{' '}
          <Money value={place.data.total} />, {place.data.status}.
        </p>
        <a href={hrefOf({ screen: 'search', query: '', page: 1 })}>Continue shopping</a>
      </section>
    );
  if (cart.isPending) return <p role="status">Loading…</p>;
  if (cart.isError) return <ErrorNotice error={cart.error} />;
  const { items, itemCount, subtotal, version, degraded } = cart.data;
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      <Degraded parts={degraded} />
      {setItem.isError && <ErrorNotice error={setItem.error} />}
      {items.length === 0 ? (
        <p>Your cart is empty.</p>
      ) : (
        <table aria-label="Cart lines">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Quantity</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.sku}>
                <th scope="row">
                  <a href={hrefOf({ screen: 'product', sku: item.sku })}>{item.name}</a>
                  {!item.available && <span> (not available)</span>}
                </th>
                <td>
                  <label>
                    <span className="visually-hidden">Quantity of {item.name}</span>
                    <select
                      value={item.quantity}
                      disabled={setItem.isPending}
                      onChange={(e) => {
                        setItem.mutate({
                          sku: item.sku,
                          quantity: Number(e.target.value),
                          expectedVersion: version,
                          currency,
                        });
                      }}
                    >
                      {Array.from({ length: Math.max(10, item.quantity) + 1 }, (_, n) => (
                        <option key={n} value={n}>
                          {n === 0 ? '0 (remove)' : n}
                        </option>
                      ))}
                    </select>
                  </label>
                </td>
                <td>
                  <Money value={item.lineTotal} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {itemCount} items, subtotal <Money value={subtotal} />
      </p>
      {items.length > 0 && (
        <form aria-labelledby="checkout-heading" onSubmit={submit}>
          <h2 id="checkout-heading">Delivery address</h2>
          {ADDRESS_FIELDS.map(([field, label]) => (
            <label key={field}>
              {label}{' '}
              <input
                required
                value={address[field]}
                onChange={(e) => {
                  setAddress({ ...address, [field]: e.target.value });
                }}
              />
            </label>
          ))}
          <button type="submit" disabled={place.isPending}>
            Place order
          </button>
          {place.isError && <ErrorNotice error={place.error} />}
        </form>
      )}
    </section>
  );
}
