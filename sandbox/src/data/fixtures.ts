import type { CatalogProduct, DemoUser, PriceRecord, Recommendation, StockRow } from './model.js';

/**
 * Named products that tests and the README can rely on: one per quirk of docs/upstreams.md. They exist
 * whatever the catalog size and seed. Generated products (SKUs 100000 and up) show the same quirks
 * at random.
 */
export const FIXTURE_SKUS = {
  /** The document's example: entity in the name, CDATA HTML description, one attribute, one image, 350 g, an EAN with leading zeros, a promotion, stock in two warehouses, 128 reviews. */
  example: '000123',
  /** Same digits as `example` without the leading zeros: a different product. */
  sameDigits: '123',
  /** Discontinued (status DISCONTINUED); still searchable, still in stock. */
  discontinued: '000124',
  /** Name `1984`: looks like a number, must stay text. */
  numericName: '1984',
  /** Name `0042`, SKU `0042`: leading zeros in both. */
  zeroPaddedName: '0042',
  /** No Description, Weight, Ean, Attributes or Images elements at all. */
  minimal: '000200',
  /** Empty `<Attributes/>` and `<Images/>`. */
  emptyLists: '000201',
  /** Many attributes and many images, the main image not first. */
  manyChildren: '000202',
  /** Images, none with role `main` (the first one is the one to show). */
  noMainImage: '000203',
  /** Weight `1.005` kg (exactly 1005 g). */
  weightKgExact: '000204',
  /** Weight `0.35` kg (350 g). */
  weightKg: '000205',
  /** Non-ASCII written as numeric character references: `Caf&#233; Cr&#xE8;me &#x2615;`. */
  numericReferences: '000206',
  /** Non-ASCII in plain UTF-8: `日本の茶碗 Café`. */
  nonAscii: '000207',
  /** Surrounding whitespace (spaces, tabs, newlines) in name, brand, category and attribute text. */
  whitespace: '000208',
  /** Unknown extra elements and attributes that a reader must ignore. */
  extraElements: '000209',
  /** Description as entity-escaped HTML, including a `<script>` (untrusted markup). */
  escapedHtml: '000210',
  /** Pricing has no price for it. */
  noPrice: '000211',
  /** No stock rows in any warehouse. */
  noStockRows: '000212',
  /** No reviews (count 0, average 0). */
  noReviews: '000213',
  /** Stock rows that all hold 0. */
  zeroStock: '000215',
  /** One unit on hand, for OUT_OF_STOCK. */
  lowStock: '000216',
  /** Priced 10.00 EUR, for conversion arithmetic. */
  tenEuro: '000219',
  /** Priced 0.50 EUR, for rounding to currencies without minor units. */
  fiftyCent: '000220',
  /** Letters and dashes in the SKU. */
  alphanumeric: 'TR-2-RED',
  /** The longest SKU: 32 characters. */
  longest: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234',
  /** Recommendations of it list unknown and discontinued SKUs. */
  withOddRecommendations: '000123',
} as const;

/** SKUs of the right form that no service knows. */
export const UNKNOWN_SKUS = ['999999', '000000', 'NO-SUCH-SKU'] as const;

const updatedAt = '2026-10-01T12:00:00Z';
const img = (sku: string, role: string, n = ''): { role: string; href: string } => ({
  role,
  href: `https://img.example.test/${sku}/${role}${n}.jpg`,
});

export const FIXTURE_PRODUCTS: readonly CatalogProduct[] = [
  {
    sku: '000123',
    status: 'ACTIVE',
    name: 'Trail Runner 2 & Co',
    description: { text: '<p>Light <b>trail</b> shoe.</p>', encoding: 'cdata' },
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    attributes: [{ name: 'color', value: 'Red' }],
    images: [img('000123', 'main')],
    weight: { unit: 'g', value: '350' },
    ean: '0012345678905',
    updatedAt,
  },
  {
    sku: '123',
    status: 'ACTIVE',
    name: 'Yoga Mat Pro',
    description: { text: 'Non-slip mat, 6 mm.', encoding: 'escaped' },
    brand: 'Lotus Works',
    category: { code: '0600', name: 'Fitness' },
    attributes: [
      { name: 'color', value: 'Teal' },
      { name: 'thickness', value: '6 mm' },
    ],
    images: [img('123', 'main')],
    weight: { unit: 'g', value: '1200' },
    ean: '4006381333931',
    updatedAt: '2026-09-12T08:30:00Z',
  },
  {
    sku: '000124',
    status: 'DISCONTINUED',
    name: 'Trail Runner 1',
    description: { text: '<p>The first Trail Runner.</p>', encoding: 'cdata' },
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    attributes: [{ name: 'color', value: 'Blue' }],
    images: [img('000124', 'main')],
    weight: { unit: 'g', value: '380' },
    ean: '0012345678912',
    updatedAt: '2025-03-01T12:00:00Z',
  },
  {
    sku: '1984',
    status: 'ACTIVE',
    name: '1984',
    description: { text: 'A novel by George Orwell.', encoding: 'escaped' },
    brand: 'Secker & Warburg',
    category: { code: '0700', name: 'Books' },
    attributes: [{ name: 'pages', value: '0328' }],
    images: [img('1984', 'main')],
    weight: { unit: 'g', value: '410' },
    ean: '9780451524935',
    updatedAt,
  },
  {
    sku: '0042',
    status: 'ACTIVE',
    name: '0042',
    description: { text: 'Poster of the answer.', encoding: 'escaped' },
    brand: '0042 Prints',
    category: { code: '1300', name: 'Stationery' },
    attributes: [{ name: 'size', value: '042' }],
    images: [img('0042', 'main')],
    weight: { unit: 'g', value: '042' },
    ean: '0000000000420',
    updatedAt,
  },
  {
    sku: '000200',
    status: 'ACTIVE',
    name: 'Plain Water Bottle',
    brand: 'Basics',
    category: { code: '0300', name: 'Backpacks' },
    updatedAt,
  },
  {
    sku: '000201',
    status: 'ACTIVE',
    name: 'Empty-Handed Tote',
    description: { text: 'A tote bag.', encoding: 'escaped' },
    brand: 'Basics',
    category: { code: '0300', name: 'Backpacks' },
    attributes: [],
    images: [],
    weight: { unit: 'g', value: '120' },
    updatedAt,
  },
  {
    sku: '000202',
    status: 'ACTIVE',
    name: 'Summit Jacket',
    description: { text: '<ul><li>Waterproof</li><li>Breathable</li></ul>', encoding: 'cdata' },
    brand: 'Fjällmark',
    category: { code: '0200', name: 'Outdoor jackets' },
    attributes: [
      { name: 'color', value: 'Black' },
      { name: 'size', value: 'M' },
      { name: 'material', value: 'Gore-Tex' },
      { name: 'fit', value: 'Regular' },
    ],
    images: [
      img('000202', 'side'),
      img('000202', 'back'),
      img('000202', 'main'),
      img('000202', 'detail', '-2'),
    ],
    weight: { unit: 'g', value: '640' },
    ean: '7391234567892',
    updatedAt,
  },
  {
    sku: '000203',
    status: 'ACTIVE',
    name: 'Camp Mug',
    description: { text: 'Enamel mug.', encoding: 'escaped' },
    brand: 'Basics',
    category: { code: '0800', name: 'Kitchen' },
    attributes: [{ name: 'volume', value: '350 ml' }],
    images: [img('000203', 'side'), img('000203', 'top')],
    weight: { unit: 'g', value: '220' },
    ean: '4012345000019',
    updatedAt,
  },
  {
    sku: '000204',
    status: 'ACTIVE',
    name: 'Cast Iron Pan',
    description: { text: 'Pre-seasoned, 26 cm.', encoding: 'escaped' },
    brand: 'Hearth',
    category: { code: '0800', name: 'Kitchen' },
    attributes: [{ name: 'diameter', value: '26 cm' }],
    images: [img('000204', 'main')],
    weight: { unit: 'kg', value: '1.005' },
    ean: '4012345000026',
    updatedAt,
  },
  {
    sku: '000205',
    status: 'ACTIVE',
    name: 'Trail Socks',
    description: { text: 'Merino blend.', encoding: 'escaped' },
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    attributes: [{ name: 'size', value: '42-44' }],
    images: [img('000205', 'main')],
    weight: { unit: 'kg', value: '0.35' },
    ean: '4012345000033',
    updatedAt,
  },
  {
    sku: '000206',
    status: 'ACTIVE',
    name: 'Café Crème ☕ Set',
    description: { text: '<p>Crème brûlée & café — für zwei.</p>', encoding: 'cdata' },
    brand: 'Maison Noël',
    category: { code: '0900', name: 'Tea & coffee' },
    attributes: [{ name: 'pièces', value: 'Tasse & soucoupe' }],
    images: [img('000206', 'main')],
    weight: { unit: 'g', value: '500' },
    ean: '3012345000040',
    updatedAt,
    numericReferences: true,
  },
  {
    sku: '000207',
    status: 'ACTIVE',
    name: '日本の茶碗 Café',
    description: { text: '手作りの茶碗。Zoë’s favourite — 100 % ceramic.', encoding: 'escaped' },
    brand: '京都陶器',
    category: { code: '0900', name: 'Tea & coffee' },
    attributes: [{ name: '色', value: '藍色' }],
    images: [img('000207', 'main')],
    weight: { unit: 'g', value: '300' },
    ean: '4901234567894',
    updatedAt,
  },
  {
    sku: '000208',
    status: 'ACTIVE',
    name: '\n      Padded   Name  \t',
    description: { text: '\n  Text with space around.  \n', encoding: 'escaped' },
    brand: '  Spacey Brand ',
    category: { code: ' 1100 ', name: '\tGarden\n' },
    attributes: [{ name: ' colour ', value: '  Green\n' }],
    images: [img('000208', 'main')],
    weight: { unit: 'g', value: ' 275 ' },
    ean: ' 4012345000057 ',
    updatedAt: ' 2026-10-02T08:00:00Z ',
  },
  {
    sku: '000209',
    status: 'ACTIVE',
    name: 'Headlamp X',
    description: { text: 'Bright.', encoding: 'escaped' },
    brand: 'Lumen',
    category: { code: '0400', name: 'Tents' },
    attributes: [{ name: 'lumens', value: '400' }],
    images: [img('000209', 'main')],
    weight: { unit: 'g', value: '90' },
    ean: '4012345000064',
    updatedAt,
    extraElements: true,
  },
  {
    sku: '000210',
    status: 'ACTIVE',
    name: 'Markup Notebook <A5>',
    description: {
      text: '<p onclick="steal()">Dotted pages</p><script>alert("x")</script> & "quotes" \'too\'',
      encoding: 'escaped',
    },
    brand: 'Paper & Co',
    category: { code: '1300', name: 'Stationery' },
    attributes: [{ name: 'format', value: '<A5> & "dotted"' }],
    images: [img('000210', 'main')],
    weight: { unit: 'g', value: '180' },
    ean: '4012345000071',
    updatedAt,
  },
  {
    sku: '000211',
    status: 'ACTIVE',
    name: 'Unpriced Tent Peg',
    brand: 'Basics',
    category: { code: '0400', name: 'Tents' },
    images: [img('000211', 'main')],
    updatedAt,
  },
  {
    sku: '000212',
    status: 'ACTIVE',
    name: 'Stockless Compass',
    brand: 'Basics',
    category: { code: '0400', name: 'Tents' },
    images: [img('000212', 'main')],
    updatedAt,
  },
  {
    sku: '000213',
    status: 'ACTIVE',
    name: 'Unreviewed Lantern',
    brand: 'Lumen',
    category: { code: '0400', name: 'Tents' },
    images: [img('000213', 'main')],
    updatedAt,
  },
  {
    sku: '000215',
    status: 'ACTIVE',
    name: 'Sold-Out Gloves',
    brand: 'Fjällmark',
    category: { code: '0200', name: 'Outdoor jackets' },
    images: [img('000215', 'main')],
    updatedAt,
  },
  {
    sku: '000216',
    status: 'ACTIVE',
    name: 'Last Pair Gaiters',
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    images: [img('000216', 'main')],
    updatedAt,
  },
  {
    sku: '000219',
    status: 'ACTIVE',
    name: 'Ten Euro Gift Card',
    brand: 'Storefront',
    category: { code: '1300', name: 'Stationery' },
    images: [img('000219', 'main')],
    updatedAt,
  },
  {
    sku: '000220',
    status: 'ACTIVE',
    name: 'Fifty Cent Sticker',
    brand: 'Storefront',
    category: { code: '1300', name: 'Stationery' },
    images: [img('000220', 'main')],
    updatedAt,
  },
  {
    sku: 'TR-2-RED',
    status: 'ACTIVE',
    name: 'Trail Runner 2 Red Edition',
    description: { text: '<p>Limited.</p>', encoding: 'cdata' },
    brand: 'Northwind',
    category: { code: '0100', name: 'Running shoes' },
    attributes: [{ name: 'color', value: 'Red' }],
    images: [img('TR-2-RED', 'main'), img('TR-2-RED', 'side')],
    weight: { unit: 'g', value: '352' },
    ean: '0012345678929',
    updatedAt,
  },
  {
    sku: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234',
    status: 'ACTIVE',
    name: 'Alphabet Blocks',
    brand: 'Toyland',
    category: { code: '1200', name: 'Toys' },
    attributes: [{ name: 'pieces', value: '27' }],
    images: [img('ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234', 'main')],
    weight: { unit: 'kg', value: '0.8' },
    updatedAt,
  },
];

/** Prices of fixtures; a fixture not listed here (and not `noPrice`) gets a generated price. */
export const FIXTURE_PRICES: Readonly<Record<string, PriceRecord | null>> = {
  '000123': {
    amount: '129.90',
    compareAt: '149.90',
    promotion: { code: 'WINTER', label: 'Winter sale' },
  },
  '123': { amount: '39.95', compareAt: null, promotion: null },
  '000124': { amount: '79.00', compareAt: '99.00', promotion: null },
  '000211': null,
  '000216': { amount: '24.99', compareAt: null, promotion: null },
  '000219': { amount: '10.00', compareAt: null, promotion: null },
  '000220': { amount: '0.50', compareAt: null, promotion: null },
};

/** Stock of fixtures; warehouses in the order GetStock lists them. */
export const FIXTURE_STOCK: Readonly<Record<string, StockRow[]>> = {
  // BER: 14 on hand, 2 reserved (the JSON ERP's example); v1 reports the 12 that can be sold.
  '000123': [
    { warehouse: 'BER', quantity: 12, reserved: 2 },
    { warehouse: 'HAM', quantity: 3 },
  ],
  '000124': [{ warehouse: 'BER', quantity: 4 }],
  '000212': [],
  '000215': [
    { warehouse: 'BER', quantity: 0 },
    { warehouse: 'MUC', quantity: 0 },
  ],
  '000216': [{ warehouse: 'HAM', quantity: 1 }],
  '000219': [{ warehouse: 'BER', quantity: 1000 }],
  '000220': [{ warehouse: 'BER', quantity: 1000 }],
};

/** Review counts of fixtures (the reviews themselves are generated from the seed). */
export const FIXTURE_REVIEW_COUNTS: Readonly<Record<string, number>> = {
  '000123': 128,
  '000213': 0,
  '000200': 0,
  '000206': 2,
};

export const FIXTURE_RECOMMENDATIONS: Readonly<Record<string, Recommendation[]>> = {
  '000123': [
    { sku: '000205', score: 0.91, reason: 'bought_together' },
    { sku: '000124', score: 0.87, reason: 'similar' },
    { sku: '999999', score: 0.84, reason: 'similar' },
    { sku: 'TR-2-RED', score: 0.8, reason: 'similar' },
    { sku: '123', score: 0.72, reason: 'trending' },
    { sku: '000211', score: 0.65, reason: 'bought_together' },
    { sku: '000202', score: 0.61, reason: 'trending' },
    { sku: 'NO-SUCH-SKU', score: 0.55, reason: 'trending' },
    { sku: '000206', score: 0.5, reason: 'trending' },
    { sku: '000207', score: 0.45, reason: 'trending' },
  ],
};

const wishlistOfBen = (): string[] => {
  // 120 SKUs: more than GetProducts (100) and prices (50) take in one call.
  const skus: string[] = ['000124', '999999'];
  for (let i = 0; skus.length < 120; i++) skus.push(String(100000 + i * 3));
  return skus;
};

/** Demo users; every password is `sandbox`. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'ann',
    password: 'sandbox',
    userId: 'u-1001',
    account: {
      id: 'u-1001',
      email: 'ann@example.test',
      name: { first: 'Ann', last: 'Lee' },
      locale: 'de-DE',
      currency: 'EUR',
      tier: 'gold',
      createdAt: '2024-03-01T09:00:00Z',
    },
    loyalty: { points: 1234, tier: 'gold', nextTier: { name: 'platinum', pointsNeeded: 766 } },
    cart: [
      { sku: '000123', quantity: 2, addedAt: '2026-11-20T18:00:00Z' },
      { sku: '000206', quantity: 1, addedAt: '2026-11-21T09:30:00Z' },
    ],
    wishlist: ['000123', '000202', '000124', '999999', '000207'],
    orders: [
      {
        orderNo: 'SO-2026-000123',
        placedAt: '2026-11-20T08:00:00Z',
        status: 'SHIPPED',
        total: { amount: '259.80', currency: 'EUR' },
        lineCount: 2,
      },
      {
        orderNo: 'SO-2026-000101',
        placedAt: '2026-10-02T14:12:00Z',
        status: 'DELIVERED',
        total: { amount: '39.95', currency: 'EUR' },
        lineCount: 1,
      },
      {
        orderNo: 'SO-2026-000077',
        placedAt: '2026-08-15T10:00:00Z',
        status: 'CANCELLED',
        total: { amount: '120.00', currency: 'EUR' },
        lineCount: 3,
      },
    ],
    notifications: [
      {
        id: 'n-1',
        kind: 'order_shipped',
        text: 'Your order SO-2026-000123 is on its way.',
        createdAt: '2026-11-21T07:00:00Z',
        read: false,
      },
      {
        id: 'n-2',
        kind: 'price_drop',
        text: 'Summit Jacket is now 10 % off.',
        createdAt: '2026-11-19T12:00:00Z',
        read: false,
      },
      {
        id: 'n-3',
        kind: 'loyalty',
        text: 'You are 766 points away from platinum.',
        createdAt: '2026-11-10T12:00:00Z',
        read: false,
      },
      {
        id: 'n-4',
        kind: 'back_in_stock',
        text: 'Trail Socks are back.',
        createdAt: '2026-10-01T12:00:00Z',
        read: true,
      },
    ],
  },
  {
    username: 'ben',
    password: 'sandbox',
    userId: 'u-1002',
    account: {
      id: 'u-1002',
      email: 'ben@example.test',
      name: { first: 'Ben', last: 'Okafor' },
      locale: 'en-GB',
      currency: 'GBP',
      tier: 'silver',
      createdAt: '2025-01-15T16:20:00Z',
    },
    loyalty: { points: 410, tier: 'silver', nextTier: { name: 'gold', pointsNeeded: 590 } },
    cart: [
      { sku: '000124', quantity: 1, addedAt: '2026-11-01T10:00:00Z' },
      { sku: '000211', quantity: 2, addedAt: '2026-11-02T10:00:00Z' },
      { sku: '000212', quantity: 1, addedAt: '2026-11-03T10:00:00Z' },
      { sku: '000216', quantity: 3, addedAt: '2026-11-04T10:00:00Z' },
      { sku: '123', quantity: 1, addedAt: '2026-11-05T10:00:00Z' },
    ],
    wishlist: wishlistOfBen(),
    orders: Array.from({ length: 7 }, (_, i) => ({
      orderNo: `SO-2026-0000${String(50 - i * 5).padStart(2, '0')}`,
      placedAt: `2026-${String(10 - i).padStart(2, '0')}-0${String(1 + i)}T09:00:00Z`,
      status: i === 0 ? 'PICKING' : 'DELIVERED',
      total: { amount: `${String(20 + i * 7)}.50`, currency: 'EUR' },
      lineCount: 1 + (i % 3),
    })),
    notifications: Array.from({ length: 8 }, (_, i) => ({
      id: `n-${String(100 + i)}`,
      kind: i % 2 === 0 ? 'price_drop' : 'review_reply',
      text: `Notification ${String(i + 1)} for Ben.`,
      createdAt: `2026-11-${String(20 - i).padStart(2, '0')}T12:00:00Z`,
      read: i >= 6,
    })),
  },
  {
    username: 'zoe',
    password: 'sandbox',
    userId: 'u-1003',
    account: {
      id: 'u-1003',
      email: 'zoe@example.test',
      name: { first: 'Zoë', last: 'Ōkubo' },
      locale: 'ja-JP',
      currency: 'JPY',
      tier: 'platinum',
      createdAt: '2023-07-07T07:07:07Z',
    },
    loyalty: { points: 25000, tier: 'platinum', nextTier: null },
    cart: [{ sku: '000220', quantity: 3, addedAt: '2026-11-24T23:59:59Z' }],
    wishlist: [],
    orders: [],
    notifications: [],
  },
  {
    // Known to the identity provider, unknown to the accounts service (its profile answers 404).
    username: 'ghost',
    password: 'sandbox',
    userId: 'u-9999',
    cart: [],
    wishlist: [],
    orders: [],
    notifications: [],
  },
];
