/**
 * The sandbox's records, held the way the upstream teams hold them: text exactly as the ERP
 * stores it (surrounding whitespace included), amounts as decimal strings in EUR.
 */

export type ProductStatus = 'ACTIVE' | 'DISCONTINUED';

export interface CatalogProduct {
  sku: string;
  status: ProductStatus;
  name: string;
  brand: string;
  category: { code: string; name: string };
  /** Missing element when undefined. */
  description?: { text: string; encoding: 'cdata' | 'escaped' };
  /** undefined: no `Attributes` element; []: an empty `<Attributes/>`. */
  attributes?: { name: string; value: string }[];
  /** undefined: no `Images` element; []: an empty `<Images/>`. */
  images?: { role: string; href: string }[];
  weight?: { unit: 'g' | 'kg'; value: string };
  ean?: string;
  updatedAt: string;
  /** Writes elements that are not in the document (a conforming reader ignores them). */
  extraElements?: boolean;
  /** Writes every non-ASCII character of its text as a numeric character reference. */
  numericReferences?: boolean;
}

export interface PriceRecord {
  amount: string;
  compareAt: string | null;
  promotion: { code: string; label: string } | null;
}

export interface StockRow {
  warehouse: string;
  /** What can be sold: on hand minus reserved (what the SOAP ERP's GetStock reports). */
  quantity: number;
  /** Units held for orders not yet shipped: the JSON ERP reports `onHand` (quantity + reserved) and this. @default 0 */
  reserved?: number;
}

export interface Review {
  id: string;
  author: string;
  rating: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface Recommendation {
  sku: string;
  score: number;
  reason: 'bought_together' | 'similar' | 'trending' | 'for_you';
}

export interface Account {
  id: string;
  email: string;
  name: { first: string; last: string };
  locale: string;
  currency: string;
  tier: 'bronze' | 'silver' | 'gold' | 'platinum';
  createdAt: string;
}

export interface Loyalty {
  points: number;
  tier: Account['tier'];
  nextTier: { name: string; pointsNeeded: number } | null;
}

export type OrderStatus = 'ACCEPTED' | 'PICKING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface OrderSummary {
  orderNo: string;
  placedAt: string;
  status: OrderStatus;
  total: { amount: string; currency: string };
  lineCount: number;
}

export interface CartItem {
  sku: string;
  quantity: number;
  addedAt: string;
}

export interface Cart {
  items: CartItem[];
  version: number;
}

export interface Notification {
  id: string;
  kind: 'order_shipped' | 'price_drop' | 'back_in_stock' | 'loyalty' | 'review_reply';
  text: string;
  createdAt: string;
  read: boolean;
}

/** A demo user: sign-in credentials at the identity provider and everything the services hold of them. */
export interface DemoUser {
  username: string;
  password: string;
  userId: string;
  /** undefined: the accounts service does not know this user (404). */
  account?: Account;
  loyalty?: Loyalty;
  cart: CartItem[];
  wishlist: string[];
  orders: OrderSummary[];
  notifications: Notification[];
}
