import { useQuery } from '@tanstack/react-query';
import { useStorefront } from '@storefront/client/react';
import { useState, type SyntheticEvent } from 'react';
import { ErrorNotice, Degraded, Money } from './problems.js';
import { hrefOf, navigate } from './route.js';

const PAGE_SIZE = 12;

/** Search with paging: the query and page live in the URL. */
export function Search({
  query,
  page,
  currency,
}: {
  query: string;
  page: number;
  currency: string;
}) {
  const trpc = useStorefront();
  const [text, setText] = useState(query);
  const results = useQuery(
    trpc.product.search.queryOptions({
      ...(query ? { query } : {}),
      page,
      pageSize: PAGE_SIZE,
      currency,
    }),
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    navigate({ screen: 'search', query: text.trim(), page: 1 });
  };
  return (
    <section aria-labelledby="search-heading">
      <h1 id="search-heading">Products</h1>
      <form role="search" onSubmit={submit}>
        <label>
          Search products{' '}
          <input
            value={text}
            onChange={(e) => {
              setText(e.target.value);
            }}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      {results.isPending && <p role="status">Loading…</p>}
      {results.isError && <ErrorNotice error={results.error} />}
      {results.data && (
        <>
          <Degraded parts={results.data.degraded} />
          <p>
            {results.data.total} products, page {results.data.page} of{' '}
            {Math.max(1, results.data.totalPages)}
          </p>
          <ul aria-label="Search results" className="results">
            {results.data.items.map((item) => (
              <li key={item.sku}>
                <a href={hrefOf({ screen: 'product', sku: item.sku })}>{item.name}</a>{' '}
                <span className="brand">{item.brand}</span> <Money value={item.price} />
              </li>
            ))}
          </ul>
          <nav aria-label="Pages">
            <button
              type="button"
              disabled={page <= 1}
              onClick={() => {
                navigate({ screen: 'search', query, page: page - 1 });
              }}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={page >= results.data.totalPages}
              onClick={() => {
                navigate({ screen: 'search', query, page: page + 1 });
              }}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
