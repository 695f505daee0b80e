import {
  attr,
  child,
  ERP_TIMEOUT_MS,
  escapeXml,
  getPrices,
  getRecommendations,
  getReviews,
  list,
  PART_TIMEOUT_MS,
  soap,
  text,
  type BaselineConfig,
  type Price,
  type XmlNode,
} from './upstreams.js';

export const SKU = /^[0-9A-Za-z-]{1,32}$/;

interface Money {
  amount: string;
  currencyCode: string;
}

/** A EUR amount with exactly two decimals, rounded half away from zero, in integer cents (never a float). */
export function eur(amount: string): Money {
  const [whole = '0', fraction = ''] = amount.trim().split('.');
  const cents =
    BigInt(whole + fraction.padEnd(2, '0').slice(0, 2)) + (fraction.charAt(2) >= '5' ? 1n : 0n);
  const digits = cents.toString().padStart(3, '0');
  return { amount: `${digits.slice(0, -2)}.${digits.slice(-2)}`, currencyCode: 'EUR' };
}

/** A decimal string × 10^places as a number, exactly (`1.005` kg → 1005 g). */
export function shiftDecimal(value: string, places: number): number | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  const digits = whole + fraction;
  const scale = fraction.length - places;
  return scale <= 0
    ? Number(digits + '0'.repeat(-scale))
    : Number(`${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

const status = (product: XmlNode): 'active' | 'discontinued' =>
  attr(product, 'status') === 'ACTIVE' ? 'active' : 'discontinued';

function mainImage(product: XmlNode): string | null {
  const images = list(child(product, 'Images'), 'Image');
  const image = images.find((i) => attr(i, 'role') === 'main') ?? images[0];
  return image ? attr(image, 'href') : null;
}

function toProduct(p: XmlNode) {
  const weight = child(p, 'Weight');
  const weightText = text(weight);
  return {
    sku: attr(p, 'sku'),
    name: text(child(p, 'Name')),
    description: child(p, 'Description') === undefined ? null : text(child(p, 'Description')),
    brand: text(child(p, 'Brand')),
    category: { code: attr(child(p, 'Category'), 'code'), name: text(child(p, 'Category')) },
    status: status(p),
    attributes: list(child(p, 'Attributes'), 'Attribute').map((a) => ({
      name: attr(a, 'name'),
      value: text(a),
    })),
    images: list(child(p, 'Images'), 'Image').map((i) => ({
      role: attr(i, 'role'),
      url: attr(i, 'href'),
    })),
    weightGrams:
      weight === undefined || weightText === ''
        ? null
        : shiftDecimal(weightText, attr(weight, 'unit') === 'kg' ? 3 : 0),
    ean: child(p, 'Ean') === undefined ? null : text(child(p, 'Ean')),
    updatedAt: new Date(text(child(p, 'UpdatedAt'))),
  };
}

const toSummary = (p: XmlNode, price: Price | undefined) => ({
  sku: attr(p, 'sku'),
  name: text(child(p, 'Name')),
  brand: text(child(p, 'Brand')),
  image: mainImage(p),
  price: price ? eur(price.amount) : null,
  status: status(p),
});

/** An optional part: its value, or undefined when its upstream failed (the caller names it in `degraded`). */
async function part<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T } | undefined> {
  try {
    return { value: await work(AbortSignal.timeout(PART_TIMEOUT_MS)) };
  } catch {
    return undefined;
  }
}

/** product.page per docs/api.md, in EUR: one GetProduct, prices, GetStock, reviews and recommendations in parallel. */
export async function productPage(config: BaselineConfig, sku: string) {
  const recommended = part((signal) =>
    getRecommendations(config, sku, 12, signal).then((skus) =>
      skus.filter((s) => SKU.test(s) && s !== sku),
    ),
  );
  const [product, price, stock, reviews, recommendations] = await Promise.all([
    soap(
      config,
      'GetProduct',
      `<cat:Sku>${escapeXml(sku)}</cat:Sku>`,
      AbortSignal.timeout(ERP_TIMEOUT_MS),
    ),
    part((signal) => getPrices(config, [sku], signal)),
    part(async (signal) =>
      list(await soap(config, 'GetStock', `<cat:Sku>${escapeXml(sku)}</cat:Sku>`, signal), 'Stock'),
    ),
    part((signal) => getReviews(config, sku, 3, signal)),
    recommended.then(async (skus) => {
      if (!skus) return undefined;
      if (skus.value.length === 0) return { shown: [], pricesFailed: false };
      const inner = skus.value.map((s) => `<cat:Sku>${escapeXml(s)}</cat:Sku>`).join('');
      const [products, prices] = await Promise.all([
        part(async (signal) => list(await soap(config, 'GetProducts', inner, signal), 'Product')),
        part((signal) => getPrices(config, skus.value, signal)),
      ]);
      if (!products) return undefined;
      const bySku = new Map(products.value.map((p) => [attr(p, 'sku'), p]));
      const shown = skus.value.flatMap((s) => {
        const p = bySku.get(s);
        return p && attr(p, 'status') === 'ACTIVE' ? [toSummary(p, prices?.value.get(s))] : [];
      });
      return { shown: shown.slice(0, 8), pricesFailed: !prices };
    }),
  ]);

  const degraded: string[] = [];
  if (!price || (recommendations?.pricesFailed && recommendations.shown.length > 0))
    degraded.push('price');
  if (!stock) degraded.push('availability');
  if (!reviews) degraded.push('reviews');
  if (!recommendations) degraded.push('recommendations');
  const current = price?.value.get(sku);
  const warehouses = (stock?.value ?? []).map((row) => ({
    code: attr(row, 'warehouse'),
    quantity: Math.max(0, Number(text(row))),
  }));
  const quantity = warehouses.reduce((total, row) => total + row.quantity, 0);
  const product0 = list(product, 'Product')[0];
  if (!product0) throw new Error('GetProduct answered no Product');
  return {
    product: toProduct(product0),
    price: current
      ? {
          current: eur(current.amount),
          compareAt: current.compareAt === null ? null : eur(current.compareAt),
          promotion: current.promotion,
        }
      : null,
    availability: stock ? { inStock: quantity > 0, quantity, warehouses } : null,
    rating: reviews ? reviews.value.summary : null,
    reviews: (reviews?.value.reviews ?? []).slice(0, 3).map((r) => ({
      id: r.id,
      author: r.author,
      rating: r.rating,
      title: r.title,
      body: r.body,
      createdAt: new Date(r.createdAt),
    })),
    recommendations: recommendations?.shown ?? [],
    degraded,
  };
}

export interface SearchInput {
  query?: string;
  category?: string;
  page: number;
  pageSize: number;
}

/** product.search per docs/api.md, in EUR: one SearchProducts, then one prices call for the page's SKUs. */
export async function productSearch(config: BaselineConfig, input: SearchInput) {
  const query = input.query?.trim();
  const inner =
    (query ? `<cat:Query>${escapeXml(query)}</cat:Query>` : '') +
    (input.category ? `<cat:CategoryCode>${escapeXml(input.category)}</cat:CategoryCode>` : '') +
    `<cat:Page>${input.page}</cat:Page><cat:PageSize>${input.pageSize}</cat:PageSize>`;
  const results = await soap(config, 'SearchProducts', inner, AbortSignal.timeout(ERP_TIMEOUT_MS));
  const products = list(results, 'Product');
  const prices =
    products.length === 0
      ? { value: new Map<string, Price>() }
      : await part((signal) =>
          getPrices(
            config,
            products.map((p) => attr(p, 'sku')),
            signal,
          ),
        );
  const total = Number(attr(results, 'total'));
  return {
    items: products.map((p) => toSummary(p, prices?.value.get(attr(p, 'sku')))),
    page: input.page,
    pageSize: input.pageSize,
    total,
    totalPages: Math.ceil(total / input.pageSize),
    degraded: prices ? [] : ['prices'],
  };
}
