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

/**
 * PlaceOrder: idempotent by ClientReference; refuses unknown SKUs, short stock and bad addresses;
 * prices the order at the pricing service's current EUR amounts; decrements stock in warehouse
 * order; records the order where the orders service lists it first.
 */
export function placeOrder(call: XmlElement, store: SandboxStore, soap: SoapWriter): string {
  const field = (name: string, parent: XmlElement | undefined = call): string | undefined =>
    childOf(parent, name, CATALOG_NS)?.text;
  const answer = (confirmation: OrderConfirmation): string =>
    soap.envelope('PlaceOrderResponse', {
      [soap.q('OrderConfirmation')]: {
        '@_orderNo': confirmation.orderNo,
        '@_status': confirmation.status,
        [soap.q('Total')]: { '@_currency': confirmation.currency, '#text': confirmation.total },
        [soap.q('EstimatedDelivery')]: confirmation.estimatedDelivery,
      },
    });

  const clientReference = field('ClientReference')?.trim() ?? '';
  if (clientReference === '')
    throw new CatalogFault('INVALID_REQUEST', 'ClientReference is required');
  const earlier = store.confirmations.get(clientReference);
  if (earlier) return answer(earlier);

  const customerId = field('CustomerId')?.trim() ?? '';
  if (customerId === '') throw new CatalogFault('INVALID_REQUEST', 'CustomerId is required');
  const currency = field('Currency')?.trim() ?? '';
  if (currency !== 'EUR') throw new CatalogFault('INVALID_REQUEST', 'Currency must be EUR');

  const lineElements = childrenOf(childOf(call, 'Lines', CATALOG_NS), 'Line', CATALOG_NS);
  if (lineElements.length === 0)
    throw new CatalogFault('INVALID_REQUEST', 'An order needs at least one Line');
  if (lineElements.length > ERP_MAX_ITEMS)
    throw new CatalogFault('TOO_MANY_ITEMS', `At most ${String(ERP_MAX_ITEMS)} lines per order`);
  const lines = lineElements.map((line) => {
    const sku = line.attributes.sku?.trim() ?? '';
    const quantityText = line.attributes.quantity?.trim() ?? '';
    const quantity = /^\d{1,4}$/.test(quantityText) ? Number(quantityText) : 0;
    if (sku === '' || quantity < 1 || quantity > ORDER_MAX_QUANTITY)
      throw new CatalogFault('INVALID_REQUEST', 'Each Line needs a sku and a quantity of 1 to 999');
    return { sku, quantity };
  });

  const shipToElement = childOf(call, 'ShipTo', CATALOG_NS);
  const [name, street, city, postalCode, country] = SHIP_TO_FIELDS.map(
    (f) => field(f, shipToElement) ?? '',
  );
  const shipTo = {
    name: name ?? '',
    street: street ?? '',
    city: city ?? '',
    postalCode: postalCode ?? '',
    country: country ?? '',
  };
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
  store.placedOrders.push({ clientReference, customerId, currency, lines, shipTo, confirmation });
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
  return answer(confirmation);
}
