/** Which BFF serves a scenario: one with CACHE_MAX_BYTES=0 (every request does the upstream work) or one with the cache on. */
export type BffKind = 'uncached' | 'cached';

export interface Scenario {
  id: string;
  title: string;
  /** A short label for the chart. */
  label: string;
  description: string;
  procedure: 'product.page' | 'product.search' | 'account.dashboard';
  bff: BffKind;
  /** Whether the hand-written baseline answers this procedure too. */
  baseline: boolean;
  /** Inputs the requests cycle through. */
  inputs: readonly Record<string, unknown>[];
  /** Sent signed in as the demo user `ann`. */
  signedIn?: boolean;
  /**
   * `fresh`: the scenario has a sandbox with a catalog of its own, large enough that no SKU is asked
   * twice in the whole scenario, and a BFF (default settings) and a baseline of its own on it.
   */
  catalog?: 'fresh';
}

/** The GET path of a tRPC query with its superjson input. */
export const trpcPath = (procedure: string, input: Record<string, unknown>): string =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

/** A function that answers the scenario's paths in turn, round and round; `served()` says how many it gave. */
export function pathCycle(scenario: Scenario): (() => string) & { served(): number } {
  const paths = scenario.inputs.map((input) => trpcPath(scenario.procedure, input));
  let next = 0;
  const nextPath = (): string => {
    const path = paths[next % paths.length] ?? '/';
    next += 1;
    return path;
  };
  return Object.assign(nextPath, { served: () => next });
}

const SEARCH_TERMS = [
  'trail',
  'fleece',
  'daypack',
  'tent',
  'helmet',
  'kettlebell',
  'cookbook',
  'skillet',
  'tea',
  'speaker',
  'planter',
  'kite',
  'notebook',
  'pro',
  'nordic',
  'café',
];

export interface ScenarioOptions {
  /** The first generated SKU of the sandbox. */
  firstSku: number;
  /** How many SKUs the uncached page scenario cycles through. */
  skus: number;
  /** The generated SKUs of the fresh-SKU scenario's own sandbox (none is asked twice). */
  freshSkus: number;
}

export function scenarios(options: ScenarioOptions): Scenario[] {
  const generated = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ sku: String(options.firstSku + i) }));
  return [
    {
      id: 'product-page-uncached',
      title: 'product.page, uncached',
      label: 'page uncached',
      description: `Requests cycle over ${options.skus.toLocaleString('en-US')} generated SKUs; the BFF runs with CACHE_MAX_BYTES=0, so every request does the upstream work (GetProduct, prices, GetStock, reviews, recommendations → GetProducts + prices), as the baseline does.`,
      procedure: 'product.page',
      bff: 'uncached',
      baseline: true,
      inputs: generated(options.skus),
    },
    {
      id: 'product-page-fresh',
      title: 'product.page, fresh SKUs, default settings',
      label: 'page fresh SKUs',
      description: `A SKU never asked before on every request, from a sandbox of its own with ${options.freshSkus.toLocaleString('en-US')} generated products, on a BFF started as \`npm start\` starts it (cache on at the default 64 MiB): every request misses, and stores what it fetched in the cache for nobody. The hardest case for a BFF with a cache, and the one-connection load shows it without merging (one page at a time, nothing to share).`,
      procedure: 'product.page',
      bff: 'cached',
      baseline: true,
      inputs: generated(options.freshSkus),
      catalog: 'fresh',
    },
    {
      id: 'product-page-cache-hit',
      title: 'product.page, cache hit',
      label: 'page cache hit',
      description:
        'Requests cycle over 64 SKUs on a BFF with its cache on (the default 64 MiB), warmed by the warm-up: nearly every upstream answer comes from memory (short TTLs such as stock’s 5 s still refresh in the background). The baseline has no cache and does the upstream work for every request.',
      procedure: 'product.page',
      bff: 'cached',
      baseline: true,
      inputs: generated(64),
    },
    {
      id: 'product-page-defaults',
      title: 'product.page, default settings',
      label: 'page defaults',
      description: `The uncached scenario's ${options.skus.toLocaleString('en-US')} SKUs on the BFF with its cache on at the default 64 MiB, as \`npm start\` runs it (it runs after the cache-hit scenario, on the same process): a SKU comes back after its stock (5 s) and price (10 s) have expired, so most of the upstream work is done again while the cache fills with products, reviews and recommendations. Its RSS is the memory a default start needs under this load.`,
      procedure: 'product.page',
      bff: 'cached',
      baseline: true,
      inputs: generated(options.skus),
    },
    {
      id: 'account-dashboard',
      title: 'account.dashboard, signed in',
      label: 'dashboard',
      description:
        'The demo user ann (bearer token from the sandbox identity provider, verified per request) on the BFF with the cache off: profile, loyalty, orders, cart, wishlist, notifications, recommendations and their SKU look-ups per request. There is no baseline for the dashboard.',
      procedure: 'account.dashboard',
      bff: 'uncached',
      baseline: false,
      inputs: [{}],
      signedIn: true,
    },
    {
      id: 'product-search',
      title: 'product.search',
      label: 'search',
      description: `Requests cycle over ${SEARCH_TERMS.length * 2} searches (${SEARCH_TERMS.length} terms, pages 1 and 2, 20 per page) on the BFF with the cache off: one SearchProducts and one prices call per request, as the baseline does.`,
      procedure: 'product.search',
      bff: 'uncached',
      baseline: true,
      inputs: SEARCH_TERMS.flatMap((query) => [{ query }, { query, page: 2 }]),
    },
  ];
}
