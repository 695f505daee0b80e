import {
  FIXTURE_PRICES,
  FIXTURE_PRODUCTS,
  FIXTURE_RECOMMENDATIONS,
  FIXTURE_REVIEW_COUNTS,
  FIXTURE_STOCK,
} from './fixtures.js';
import type { CatalogProduct, PriceRecord, Recommendation, Review, StockRow } from './model.js';
import { centsToDecimal } from './money.js';
import { createRandom, hashString, type Random } from './random.js';

export const CATEGORIES: readonly { code: string; name: string; nouns: readonly string[] }[] = [
  {
    code: '0100',
    name: 'Running shoes',
    nouns: ['Trail Shoe', 'Road Runner', 'Racing Flat', 'Trainer'],
  },
  {
    code: '0200',
    name: 'Outdoor jackets',
    nouns: ['Shell Jacket', 'Down Parka', 'Fleece', 'Rain Coat'],
  },
  { code: '0300', name: 'Backpacks', nouns: ['Daypack', 'Trekking Pack', 'Hip Bag', 'Duffel'] },
  { code: '0400', name: 'Tents', nouns: ['Dome Tent', 'Tarp', 'Bivy', 'Tunnel Tent'] },
  { code: '0500', name: 'Cycling', nouns: ['Helmet', 'Bike Light', 'Saddle Bag', 'Jersey'] },
  {
    code: '0600',
    name: 'Fitness',
    nouns: ['Kettlebell', 'Yoga Block', 'Jump Rope', 'Foam Roller'],
  },
  { code: '0700', name: 'Books', nouns: ['Field Guide', 'Cookbook', 'Novel', 'Atlas'] },
  {
    code: '0800',
    name: 'Kitchen',
    nouns: ['Skillet', 'Chef Knife', 'Dutch Oven', 'Salt & Pepper Mill'],
  },
  {
    code: '0900',
    name: 'Tea & coffee',
    nouns: ['Espresso Cups', 'Tea Tin', 'Pour-Over Kettle', 'Grinder'],
  },
  { code: '1000', name: 'Home audio', nouns: ['Speaker', 'Headphones', 'Turntable', 'Amplifier'] },
  { code: '1100', name: 'Garden', nouns: ['Trowel', 'Watering Can', 'Planter', 'Pruner'] },
  { code: '1200', name: 'Toys', nouns: ['Puzzle', 'Kite', 'Building Set', 'Plush Fox'] },
  {
    code: '1300',
    name: 'Stationery',
    nouns: ['Notebook', 'Fountain Pen', 'Planner', 'Sketchbook'],
  },
];

const ADJECTIVES = [
  'Alpine',
  'Urban',
  'Classic',
  'Nordic',
  'Compact',
  'Summit',
  'Coastal',
  'Everyday',
  'Pro',
  'Café',
  'Électrique',
  'Midnight',
];
const BRANDS = [
  'Northwind',
  'Fjällmark',
  'Lumen',
  'Hearth',
  'Basics',
  'Paper & Co',
  'Toyland',
  'Maison Noël',
  'Velo Verde',
  'Kōbō',
  'Ironleaf',
  'Soundcraft Labs',
];
const COLORS = ['Red', 'Blue', 'Black', 'Olive', 'Sand', 'Grey', 'Rosé', 'Navy'];
const WAREHOUSES = ['BER', 'HAM', 'MUC'];
const AUTHORS = ['Ann', 'Ben', 'Zoë', 'Mateo', 'Priya', 'Jürgen', 'Aiko', 'Olu', 'Sam', 'Lea'];
const TITLES = [
  'Great',
  'Does the job',
  'Not for me',
  'Excellent value',
  'Solid',
  'Could be better',
  'Love it',
];

/** The first generated SKU; generated SKUs are consecutive six-digit numbers. */
export const FIRST_GENERATED_SKU = 100000;

export interface CatalogOptions {
  /** Number of products in all, the fixtures included. @default 5000 */
  products?: number;
  /** Seed of every generated value. @default 42 */
  seed?: number;
}

export interface Catalog {
  readonly bySku: ReadonlyMap<string, CatalogProduct>;
  /** Every product ordered by SKU (ascending by character code), as search answers them. */
  readonly ordered: readonly CatalogProduct[];
  readonly prices: ReadonlyMap<string, PriceRecord>;
  /** The initial stock rows (the store copies them; orders decrement the copy). */
  readonly stock: ReadonlyMap<string, readonly StockRow[]>;
  reviewCount(sku: string): number;
  /** Summary and the newest `limit` reviews, newest first. */
  reviews(sku: string, limit: number): { average: number; count: number; reviews: Review[] };
  recommendationsForSku(sku: string, limit: number): Recommendation[];
  recommendationsForUser(
    userId: string,
    wishlist: readonly string[],
    limit: number,
  ): Recommendation[];
}

export function createCatalog(options: CatalogOptions = {}): Catalog {
  const size = Math.max(options.products ?? 5000, FIXTURE_PRODUCTS.length);
  const seed = options.seed ?? 42;
  const random = createRandom(seed);

  const products: CatalogProduct[] = [...FIXTURE_PRODUCTS];
  for (let i = 0; products.length < size; i++) {
    products.push(generateProduct(String(FIRST_GENERATED_SKU + i), random));
  }
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const ordered = [...products].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));

  const prices = new Map<string, PriceRecord>();
  const stock = new Map<string, StockRow[]>();
  for (const product of products) {
    const fixedPrice = FIXTURE_PRICES[product.sku];
    const price = fixedPrice === undefined ? generatePrice(random) : fixedPrice;
    if (price) prices.set(product.sku, price);
    stock.set(
      product.sku,
      FIXTURE_STOCK[product.sku] ?? withReserved(generateStock(random), product.sku, seed),
    );
  }

  const reviewCount = (sku: string): number => {
    if (!bySku.has(sku)) return 0;
    const fixed = FIXTURE_REVIEW_COUNTS[sku];
    if (fixed !== undefined) return fixed;
    const h = hashString(sku, seed);
    return h % 5 === 0 ? 0 : 1 + (h % 300);
  };

  const review = (sku: string, index: number): Review => {
    const r = createRandom(hashString(`${sku}#${String(index)}`, seed));
    const rating = r.chance(0.6) ? r.int(4, 5) : r.int(1, 3);
    // Index 0 is the newest; one review every ~2 days going back from the FX day.
    const createdAt = new Date(
      Date.UTC(2026, 10, 24, 10, 0, 0) - index * 43 * 3_600_000 - r.int(0, 3_600_000),
    );
    return {
      id: `r-${sku}-${String(index + 1)}`,
      author: r.pick(AUTHORS),
      rating,
      title: r.pick(TITLES),
      body:
        rating >= 4
          ? 'Would buy again — fits as described.'
          : 'Quality is okay, delivery took a while.',
      createdAt: `${createdAt.toISOString().slice(0, 19)}Z`,
    };
  };

  return {
    bySku,
    ordered,
    prices,
    stock,
    reviewCount,
    reviews(sku, limit) {
      const count = reviewCount(sku);
      let sum = 0;
      const list: Review[] = [];
      for (let i = 0; i < count; i++) {
        const item = review(sku, i);
        sum += item.rating;
        if (i < limit) list.push(item);
      }
      const average = count === 0 ? 0 : Math.round((sum / count) * 10) / 10;
      return { average, count, reviews: list };
    },
    recommendationsForSku(sku, limit) {
      const fixed = FIXTURE_RECOMMENDATIONS[sku];
      if (fixed) return fixed.slice(0, limit);
      return pickRecommendations(ordered, hashString(sku, seed), limit, [sku]);
    },
    recommendationsForUser(userId, wishlist, limit) {
      const fromWishlist: Recommendation[] = wishlist
        .filter((s) => bySku.has(s))
        .slice(0, 3)
        .map((s, i) => ({ sku: s, score: 0.99 - i / 100, reason: 'for_you' }));
      // The wishlist's SKUs are excluded from the rest so that no SKU is listed twice.
      const rest = pickRecommendations(
        ordered,
        hashString(userId, seed),
        limit,
        fromWishlist.map((item) => item.sku),
      );
      return [...fromWishlist, ...rest].slice(0, limit);
    },
  };
}

function pickRecommendations(
  ordered: readonly CatalogProduct[],
  hash: number,
  limit: number,
  exclude: readonly string[],
): Recommendation[] {
  const r = createRandom(hash);
  const items: Recommendation[] = [];
  const seen = new Set(exclude);
  const reasons = ['bought_together', 'similar', 'trending'] as const;
  let score = 0.95;
  while (items.length < limit) {
    // Now and then a SKU the ERP does not know, as the real service does.
    const sku = r.chance(0.08) ? `9${String(r.int(10000, 99999))}` : r.pick(ordered).sku;
    if (seen.has(sku)) continue;
    seen.add(sku);
    score = Math.round((score - r.next() * 0.05) * 100) / 100;
    items.push({ sku, score: Math.max(score, 0.01), reason: r.pick(reasons) });
  }
  return items;
}

function generateProduct(sku: string, r: Random): CatalogProduct {
  const category = r.pick(CATEGORIES);
  const noun = r.pick(category.nouns);
  const name = `${r.pick(ADJECTIVES)} ${noun} ${String(r.int(1, 9))}`;
  const product: CatalogProduct = {
    sku,
    status: r.chance(0.08) ? 'DISCONTINUED' : 'ACTIVE',
    name,
    brand: r.pick(BRANDS),
    category: { code: category.code, name: category.name },
    updatedAt: new Date(Date.UTC(2026, r.int(0, 9), r.int(1, 28), r.int(0, 23), r.int(0, 59)))
      .toISOString()
      .replace('.000Z', 'Z'),
  };
  const d = r.next();
  if (d < 0.6)
    product.description = {
      text: `<p>The <b>${name}</b> by our own workshop.</p>`,
      encoding: 'cdata',
    };
  else if (d < 0.85)
    product.description = { text: `${noun} for every day & every season.`, encoding: 'escaped' };

  const a = r.next();
  if (a < 0.1) product.attributes = undefined;
  else if (a < 0.15) product.attributes = [];
  else {
    product.attributes = [{ name: 'color', value: r.pick(COLORS) }];
    const more = r.int(0, 3);
    for (let i = 0; i < more; i++)
      product.attributes.push({ name: `spec-${String(i + 1)}`, value: String(r.int(1, 99)) });
  }

  const m = r.next();
  const image = (role: string, n = ''): { role: string; href: string } => ({
    role,
    href: `https://img.example.test/${sku}/${role}${n}.jpg`,
  });
  if (m < 0.05) product.images = undefined;
  else if (m < 0.1) product.images = [];
  else if (m < 0.7) product.images = [image('main')];
  else if (m < 0.95)
    product.images = r.chance(0.5)
      ? [image('main'), image('side')]
      : [image('side'), image('main'), image('detail')];
  else product.images = [image('side'), image('detail')];

  const w = r.next();
  const grams = r.int(40, 4000);
  if (w < 0.1) product.weight = undefined;
  else if (w < 0.4) product.weight = { unit: 'kg', value: String(grams / 1000) };
  else product.weight = { unit: 'g', value: String(grams) };

  if (r.chance(0.8)) product.ean = ean13(r);
  if (r.chance(0.1)) product.extraElements = true;
  return product;
}

function ean13(r: Random): string {
  let digits = '';
  for (let i = 0; i < 12; i++) digits += String(i < 2 && r.chance(0.3) ? 0 : r.int(0, 9));
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + String((10 - (sum % 10)) % 10);
}

function generatePrice(r: Random): PriceRecord | null {
  if (r.chance(0.03)) return null;
  const cents = r.int(199, 49999);
  const amount = centsToDecimal(cents);
  const compareAt = r.chance(0.2) ? centsToDecimal(cents + r.int(100, 5000)) : null;
  const promotion = r.chance(0.1)
    ? r.pick([
        { code: 'WINTER', label: 'Winter sale' },
        { code: 'BF26', label: 'Black Friday' },
      ])
    : null;
  return { amount, compareAt, promotion };
}

/**
 * Units reserved per row, from a hash of the SKU and warehouse (not the random stream, so that
 * every other generated value stays what it was): about a quarter of the rows hold 1 to 5.
 */
function withReserved(rows: StockRow[], sku: string, seed: number): StockRow[] {
  return rows.map((row) => {
    const h = hashString(`${sku}@${row.warehouse}`, seed);
    return h % 4 === 0 ? { ...row, reserved: 1 + (h % 5) } : row;
  });
}

function generateStock(r: Random): StockRow[] {
  if (r.chance(0.1)) return [];
  const count = r.int(1, WAREHOUSES.length);
  const start = r.int(0, WAREHOUSES.length - 1);
  const rows: StockRow[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      warehouse: WAREHOUSES[(start + i) % WAREHOUSES.length] ?? 'BER',
      quantity: r.chance(0.15) ? 0 : r.int(1, 60),
    });
  }
  return rows;
}
