import { centsToDecimal, decimalToCents } from '../../data/money.js';
import type { OrderConfirmation, SandboxStore } from '../../data/store.js';
import { childOf, childrenOf, type XmlElement } from '../../xml/read.js';
import { CATALOG_NS, CatalogFault, ERP_MAX_ITEMS, type SoapWriter } from './soap.js';

/** ISO 3166 alpha-2 codes of the countries the ERP ships to. */
export const SHIPPING_COUNTRIES: ReadonlySet<string> = new Set([
  'DE',
  'AT',
  'CH',
  'FR',
  'BE',
  'NL',
  'LU',
  'IT',
  'ES',
  'PT',
  'DK',
  'SE',
  'FI',
  'NO',
  'PL',
  'CZ',
  'IE',
  'GB',
]);

/** One line's quantity is at most this. */
export const ORDER_MAX_QUANTITY = 999;

const SHIP_TO_FIELDS = ['Name', 'Street', 'City', 'PostalCode', 'Country'] as const;

/** An order as either version of the ERP receives it, its text exactly as it arrived. */
export interface OrderRequest {
  /** v1's ClientReference, v2's Idempotency-Key: one key for both. */
  clientReference: string;
  customerId: string;
  currency: string;
  /** undefined: a line whose SKU or quantity is not there or not a whole number. */
  lines: ({ sku: string; quantity: number } | undefined)[];
  shipTo: { name: string; street: string; city: string; postalCode: string; country: string };
}

/**
 * The ERP's rules of an order, whichever version it arrives through: idempotent by its reference
 * (a known one answers its first confirmation, `replayed`); refuses unknown SKUs, short stock and
 * bad addresses (CatalogFault); prices it at the pricing service's current EUR amounts;
 * decrements what can be sold in warehouse order; records it where the orders service lists it
 * first.
 */
export function acceptOrder(
  store: SandboxStore,
  request: OrderRequest,
): { confirmation: OrderConfirmation; replayed: boolean } {
  const clientReference = request.clientReference.trim();
  if (clientReference === '')
    throw new CatalogFault('INVALID_REQUEST', 'ClientReference is required');
  const earlier = store.confirmations.get(clientReference);
  if (earlier) return { confirmation: earlier, replayed: true };

  const customerId = request.customerId.trim();
  if (customerId === '') throw new CatalogFault('INVALID_REQUEST', 'CustomerId is required');
  const currency = request.currency.trim();
  if (currency !== 'EUR') throw new CatalogFault('INVALID_REQUEST', 'Currency must be EUR');

  if (request.lines.length === 0)
    throw new CatalogFault('INVALID_REQUEST', 'An order needs at least one Line');
  if (request.lines.length > ERP_MAX_ITEMS)
    throw new CatalogFault('TOO_MANY_ITEMS', `At most ${String(ERP_MAX_ITEMS)} lines per order`);
  const lines = request.lines.map((line) => {
    if (!line || line.sku.trim() === '' || line.quantity < 1 || line.quantity > ORDER_MAX_QUANTITY)
      throw new CatalogFault('INVALID_REQUEST', 'Each Line needs a sku and a quantity of 1 to 999');
    return { sku: line.sku.trim(), quantity: line.quantity };
  });

  const { shipTo } = request;
  if (
    Object.values(shipTo).some((value) => value.trim() === '') ||
    !SHIPPING_COUNTRIES.has(shipTo.country.trim())
  ) {
    throw new CatalogFault(
      'INVALID_ADDRESS',
      'The address is incomplete or outside the shipping area',
    );
  }

  const needed = new Map<string, number>();
  for (const line of lines) {
    if (!store.catalog.bySku.has(line.sku))
      throw new CatalogFault('UNKNOWN_SKU', 'Unknown SKU', line.sku);
    needed.set(line.sku, (needed.get(line.sku) ?? 0) + line.quantity);
  }
  for (const [sku, quantity] of needed) {
    const onHand = (store.stock.get(sku) ?? []).reduce((sum, row) => sum + row.quantity, 0);
    if (quantity > onHand) throw new CatalogFault('OUT_OF_STOCK', 'Not enough stock', sku);
  }
  let totalCents = 0;
  for (const line of lines) {
    const price = store.catalog.prices.get(line.sku);
    if (!price) throw new CatalogFault('INVALID_REQUEST', `No price for SKU ${line.sku}`);
    totalCents += decimalToCents(price.amount) * line.quantity;
  }

  for (const [sku, quantity] of needed) {
    let rest = quantity;
    for (const row of store.stock.get(sku) ?? []) {
      const taken = Math.min(row.quantity, rest);
      row.quantity -= taken;
      rest -= taken;
    }
  }
  const now = new Date();
  const confirmation: OrderConfirmation = {
    orderNo: store.nextOrderNumber(),
    status: 'ACCEPTED',
    total: centsToDecimal(totalCents),
    currency: 'EUR',
    estimatedDelivery: new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10),
  };
  store.confirmations.set(clientReference, confirmation);
  store.placedOrders.push({
    clientReference,
    customerId,
    currency,
    lines,
    shipTo,
    confirmation,
  });
  store.orders.set(customerId, [
    {
      orderNo: confirmation.orderNo,
      placedAt: now.toISOString(),
      status: 'ACCEPTED',
      total: { amount: confirmation.total, currency: 'EUR' },
      lineCount: lines.length,
    },
    ...(store.orders.get(customerId) ?? []),
  ]);
  return { confirmation, replayed: false };
}

/** PlaceOrder (SOAP): the order read from its XML, then acceptOrder's rules. */
export function placeOrder(call: XmlElement, store: SandboxStore, soap: SoapWriter): string {
  const field = (name: string, parent: XmlElement | undefined = call): string | undefined =>
    childOf(parent, name, CATALOG_NS)?.text;
  const shipToElement = childOf(call, 'ShipTo', CATALOG_NS);
  const [name = '', street = '', city = '', postalCode = '', country = ''] = SHIP_TO_FIELDS.map(
    (f) => field(f, shipToElement) ?? '',
  );
  const { confirmation } = acceptOrder(store, {
    clientReference: field('ClientReference') ?? '',
    customerId: field('CustomerId') ?? '',
    currency: field('Currency') ?? '',
    lines: childrenOf(childOf(call, 'Lines', CATALOG_NS), 'Line', CATALOG_NS).map((line) => {
      const quantity = line.attributes.quantity?.trim() ?? '';
      return /^\d{1,4}$/.test(quantity)
        ? { sku: line.attributes.sku ?? '', quantity: Number(quantity) }
        : undefined;
    }),
    shipTo: { name, street, city, postalCode, country },
  });
  return soap.envelope('PlaceOrderResponse', {
    [soap.q('OrderConfirmation')]: {
      '@_orderNo': confirmation.orderNo,
      '@_status': confirmation.status,
      [soap.q('Total')]: { '@_currency': confirmation.currency, '#text': confirmation.total },
      [soap.q('EstimatedDelivery')]: confirmation.estimatedDelivery,
    },
  });
}
