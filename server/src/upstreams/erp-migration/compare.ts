import {
  differences,
  describeDifference,
  type Difference,
} from '../../kit/migration/differences.js';
import type {
  CatalogProduct,
  CatalogSummary,
  ErpClient,
  ErpRead,
  StockRow,
} from '../erp/records.js';

/** What one ERP read answers (its resolved value). */
export type ReadAnswer<R extends ErpRead> = Awaited<ReturnType<ErpClient[R]>>;

/** The fields of an answer as a comparison sees them: each top key names what it is about, and its SKU. */
interface Comparable {
  fields: Record<string, unknown>;
  skus: Map<string, string>;
}

/** v2 knows the image roles `main` and `gallery` only: every other v1 role is `gallery` there. */
const roleOf = (role: string | null): string => (role === 'main' ? 'main' : 'gallery');

const imagesOf = (product: CatalogSummary) =>
  product.images.map((image) => ({ role: roleOf(image.role), url: image.url }));

const summaryFields = (product: CatalogSummary) => ({
  sku: product.sku,
  status: product.status,
  name: product.name,
  brand: product.brand,
  category: product.category,
  images: imagesOf(product),
});

/** Every field (the summary's, then the others assigned to it: an object spread here cost ten times as much, on every comparison). */
const productFields = (product: CatalogProduct) =>
  Object.assign(summaryFields(product), {
    description: product.description,
    attributes: product.attributes,
    weightGrams: product.weightGrams,
    ean: product.ean,
    updatedAt: product.updatedAt,
  });

/** Stock as a page shows it: negative rows (v1 oversells) count as none. */
const availabilityFields = (rows: readonly StockRow[]) => {
  const warehouses: Record<string, number> = {};
  let quantity = 0;
  for (const row of rows) {
    const units = Math.max(0, row.quantity);
    warehouses[row.warehouse] = (warehouses[row.warehouse] ?? 0) + units;
    quantity += units;
  }
  return { quantity, warehouses };
};

function keyed<V>(
  prefix: string,
  entries: Iterable<[string, V]>,
  fields: (value: V) => unknown,
): Comparable {
  const comparable: Comparable = { fields: {}, skus: new Map() };
  for (const [sku, value] of entries) {
    const key = `${prefix}[${sku}]`;
    comparable.fields[key] = fields(value);
    comparable.skus.set(key, sku);
  }
  return comparable;
}

/**
 * Each read's answer as the comparison looks at it, keyed by paths an operator recognises:
 * `product.name`, `product[000124].weightGrams`, `availability[000123].quantity`,
 * `search.items[3].name`. What v2 cannot say the same way (image roles other than `main`,
 * v1's negative stock) is made alike first: those are not differences a page would show.
 */
const COMPARABLE: { [R in ErpRead]: (answer: ReadAnswer<R>) => Comparable } = {
  getProduct: (product) => ({
    fields: { product: product && productFields(product) },
    skus: new Map(product ? [['product', product.sku]] : []),
  }),
  getProducts: (products) => keyed('product', products, productFields),
  getStock: (stock) => keyed('availability', stock, availabilityFields),
  searchProducts: (result) => {
    const comparable: Comparable = { fields: { search: { total: result.total } }, skus: new Map() };
    result.products.forEach((product, i) => {
      const key = `search.items[${String(i)}]`;
      comparable.fields[key] = summaryFields(product);
      comparable.skus.set(key, product.sku);
    });
    return comparable;
  },
};

export interface Comparison {
  differences: Difference[];
  /** The SKUs whose records differ (at most 20). */
  skus: string[];
  /** `path: primary ≠ shadow` for each difference (at most 50). */
  described: string[];
}

/** Compares two versions' answers to one read, field by field. */
export function compareAnswers<R extends ErpRead>(
  read: R,
  primary: ReadAnswer<R>,
  shadow: ReadAnswer<R>,
): Comparison {
  const toComparable = COMPARABLE[read] as (answer: ReadAnswer<R>) => Comparable;
  const a = toComparable(primary);
  const b = toComparable(shadow);
  const found = differences(a.fields, b.fields);
  const skus = new Set<string>();
  for (const difference of found) {
    // The top key the path starts with (`product[000124]`, `search.items[3]`, `product`).
    const top = [...a.skus.keys(), ...b.skus.keys()].find(
      (key) =>
        difference.path === key ||
        difference.path.startsWith(`${key}.`) ||
        difference.path.startsWith(`${key}[`),
    );
    if (top === undefined) continue;
    for (const sku of [a.skus.get(top), b.skus.get(top)]) if (sku !== undefined) skus.add(sku);
  }
  return {
    differences: found,
    skus: [...skus].slice(0, 20),
    described: found.slice(0, 50).map(describeDifference),
  };
}
