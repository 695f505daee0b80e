import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProductPageLater } from '@storefront/client';
import { useStorefront } from '@storefront/client/react';
import { Suspense, use, useMemo, useState } from 'react';
import { Degraded, ErrorNotice, Money } from './problems.js';
import { hrefOf } from './route.js';
import { useSession } from './session.js';

/** Reviews and recommendations: streamed after the rest of the page (`later`). */
function Later({ later }: { later: Promise<ProductPageLater> }) {
  const part = use(later);
  return (
    <>
      <Degraded parts={part.degraded} />
      <section aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">Reviews</h2>
        {part.rating && (
          <p>
            Rated {part.rating.average} of 5 by {part.rating.count} shoppers
          </p>
        )}
        <ul aria-label="Reviews">
          {part.reviews.map((review) => (
            <li key={review.id}>
              <strong>{review.title}</strong> by {review.author} ({review.rating}/5,{' '}
              {review.createdAt.toLocaleDateString('en-GB')})
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="recommendations-heading">
        <h2 id="recommendations-heading">You may also like</h2>
        <ul aria-label="Recommendations">
          {part.recommendations.map((item) => (
            <li key={item.sku}>
              <a href={hrefOf({ screen: 'product', sku: item.sku })}>{item.name}</a>{' '}
              <Money value={item.price} />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** Waits for `later` (a promise over the streaming link) with a placeholder meanwhile. */
function LaterPart({ later }: { later: Promise<ProductPageLater> | ProductPageLater }) {
  const promise = useMemo(() => Promise.resolve(later), [later]);
  return (
    <Suspense fallback={<p role="status">Loading reviews…</p>}>
      <Later later={promise} />
    </Suspense>
  );
}

/** A product page, rendered progressively: the product first, reviews when they arrive. */
export function Product({ sku, currency }: { sku: string; currency: string }) {
  const trpc = useStorefront();
  const session = useSession();
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState(1);
  const page = useQuery(trpc.product.pageProgressive.queryOptions({ sku, currency }));
  const addToCart = useMutation(
    trpc.cart.setItem.mutationOptions({
      onSuccess: (cart) => {
        queryClient.setQueryData(trpc.cart.get.queryKey({ currency }), cart);
      },
    }),
  );
  if (page.isPending) return <p role="status">Loading…</p>;
  if (page.isError) return <ErrorNotice error={page.error} />;
  const { product, price, availability, degraded, later } = page.data;
  return (
    <article aria-labelledby="product-heading">
      <h1 id="product-heading">{product.name}</h1>
      <p className="brand">{product.brand}</p>
      <Degraded parts={degraded} />
      <p aria-label="Price">
        <Money value={price?.current ?? null} />
        {price?.promotion && <span className="promotion"> {price.promotion.label}</span>}
      </p>
      {availability && (
        <p>
          {availability.inStock ? `In stock (${String(availability.quantity)})` : 'Out of stock'}
        </p>
      )}
      {session.token ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            addToCart.mutate({ sku, quantity, currency });
          }}
        >
          <label>
            Quantity{' '}
            <input
              type="number"
              min={1}
              max={99}
              value={quantity}
              onChange={(e) => {
                setQuantity(Number(e.target.value));
              }}
            />
          </label>
          <button type="submit" disabled={addToCart.isPending}>
            Add to cart
          </button>
          {addToCart.isSuccess && <p role="status">Added to your cart.</p>}
          {addToCart.isError && <ErrorNotice error={addToCart.error} />}
        </form>
      ) : (
        <p>
          <a href="#/signin">Sign in</a> to buy.
        </p>
      )}
      <LaterPart later={later} />
    </article>
  );
}
