import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS } from '../../data/fixtures.js';
import type { Sandbox } from '../../start-sandbox.js';
import { callJson, faultOf, soapCall, useSandbox, type SoapAnswer } from '../../testing/helpers.js';
import { childOf, childrenOf } from '../../xml/read.js';

// PlaceOrder against docs/upstreams.md ("ERP catalog"), over real HTTP. Each describe that changes stock or
// remembers references starts its own sandbox.
const NS = 'urn:example:erp:catalog:v1';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const ANN = 'u-1001';

interface ShipTo {
  name: string;
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

const HOME: ShipTo = {
  name: 'Ann Lee',
  street: 'Hauptstraße 1',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};
const SHIP_TO_ELEMENTS = {
  name: 'Name',
  street: 'Street',
  city: 'City',
  postalCode: 'PostalCode',
  country: 'Country',
} as const;

interface Order {
  lines: readonly (readonly [sku: string, quantity: number])[];
  clientReference?: string;
  customerId?: string;
  currency?: string;
  shipTo?: Partial<ShipTo>;
  /** ShipTo fields written as given (CDATA, character references), not escaped. */
  rawShipTo?: Partial<ShipTo>;
}

/** XML text for a request (the five predefined entities). */
const xmlText = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

function orderXml(order: Order): string {
  const shipTo = { ...HOME, ...order.shipTo };
  const fields = (Object.keys(SHIP_TO_ELEMENTS) as (keyof ShipTo)[]).map((key) => {
    const element = SHIP_TO_ELEMENTS[key];
    return `<cat:${element}>${order.rawShipTo?.[key] ?? xmlText(shipTo[key])}</cat:${element}>`;
  });
  return (
    `<cat:CustomerId>${xmlText(order.customerId ?? ANN)}</cat:CustomerId>` +
    `<cat:Currency>${xmlText(order.currency ?? 'EUR')}</cat:Currency>` +
    `<cat:Lines>${order.lines.map(([sku, quantity]) => `<cat:Line sku="${xmlText(sku)}" quantity="${String(quantity)}"/>`).join('')}</cat:Lines>` +
    `<cat:ShipTo>${fields.join('')}</cat:ShipTo>` +
    `<cat:ClientReference>${xmlText(order.clientReference ?? randomUUID())}</cat:ClientReference>`
  );
}

const placeOrder = (sb: Sandbox, order: Order): Promise<SoapAnswer> =>
  soapCall(sb, 'PlaceOrder', orderXml(order));

/** The confirmation of an accepted order, as plain data. */
function confirmationOf(answer: SoapAnswer): Record<string, string | undefined> {
  expect(answer.status).toBe(200);
  expect(answer.payload).toMatchObject({ ns: NS, name: 'PlaceOrderResponse' });
  const confirmation = childOf(answer.payload, 'OrderConfirmation', NS);
  const total = childOf(confirmation, 'Total', NS);
  return {
    orderNo: confirmation?.attributes.orderNo,
    status: confirmation?.attributes.status,
    currency: total?.attributes.currency,
    total: total?.text,
    estimatedDelivery: childOf(confirmation, 'EstimatedDelivery', NS)?.text,
  };
}

function expectClientFault(answer: SoapAnswer, code: string, sku?: string): void {
  expect(answer.status).toBe(500);
  expect(answer.payload).toMatchObject({ ns: SOAP_NS, name: 'Fault' });
  const fault = faultOf(answer);
  expect(fault.faultcode.split(':').at(-1)).toBe('Client');
  expect(fault.code).toBe(code);
  if (sku !== undefined) expect(fault.sku).toBe(sku);
}

/** GetStock rows as `sku warehouse` → quantity, in the order GetStock lists them. */
async function stockOf(sb: Sandbox, skus: readonly string[]): Promise<[string, number][]> {
  const answer = await soapCall(
    sb,
    'GetStock',
    skus.map((sku) => `<cat:Sku>${sku}</cat:Sku>`).join(''),
  );
  expect(answer.status).toBe(200);
  return childrenOf(answer.payload, 'Stock', NS).map((row) => [
    `${row.attributes.sku ?? ''} ${row.attributes.warehouse ?? ''}`,
    Number(row.text),
  ]);
}

/** The orders service's list for a user, newest first. */
async function ordersOf(sb: Sandbox, userId = ANN): Promise<unknown[]> {
  const { status, body } = await callJson(sb, 'orders', `/users/${userId}/orders`);
  expect(status).toBe(200);
  const orders =
    typeof body === 'object' && body !== null && 'orders' in body ? body.orders : undefined;
  if (!Array.isArray(orders)) throw new Error(`no orders list in ${JSON.stringify(body)}`);
  return orders as unknown[];
}

/** Current EUR amounts from the pricing service, in cents. */
async function priceCents(sb: Sandbox, skus: readonly string[]): Promise<Map<string, number>> {
  const { body } = await callJson(sb, 'pricing', `/v2/prices?skus=${skus.join(',')}`);
  const prices =
    typeof body === 'object' && body !== null && 'prices' in body && Array.isArray(body.prices)
      ? (body.prices as unknown[])
      : [];
  const cents = new Map<string, number>();
  for (const price of prices) {
    if (typeof price !== 'object' || price === null || !('sku' in price) || !('amount' in price))
      continue;
    const [whole = '', fraction = ''] = String(price.amount).split('.');
    cents.set(String(price.sku), Number(whole) * 100 + Number(fraction.padEnd(2, '0')));
  }
  return cents;
}

const centsText = (cents: number): string =>
  `${String(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;

describe('ERP PlaceOrder accepting an order', () => {
  const sandbox = useSandbox();

  it('confirms an order priced at quantity × the current amount in EUR', async () => {
    const confirmation = confirmationOf(
      await placeOrder(sandbox(), { lines: [[FIXTURE_SKUS.example, 2]] }),
    );
    expect(confirmation).toStrictEqual({
      orderNo: expect.stringMatching(/^SO-\d{4}-\d{6}$/) as unknown,
      status: 'ACCEPTED',
      currency: 'EUR',
      total: '259.80',
      estimatedDelivery: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
    });
    expect(confirmation.estimatedDelivery! >= new Date().toISOString().slice(0, 10)).toBe(true);
  });

  it('totals several lines at the pricing service amounts', async () => {
    const { prices: priced, stock } = sandbox().store.catalog;
    const generated = sandbox().store.catalog.ordered.find(
      (p) =>
        /^1\d{5}$/.test(p.sku) &&
        priced.has(p.sku) &&
        (stock.get(p.sku) ?? []).some((row) => row.quantity >= 2),
    );
    const lines: [string, number][] = [
      [FIXTURE_SKUS.example, 1],
      [FIXTURE_SKUS.tenEuro, 3],
      [FIXTURE_SKUS.fiftyCent, 7],
      [generated!.sku, 2],
    ];
    const prices = await priceCents(
      sandbox(),
      lines.map(([sku]) => sku),
    );
    expect([...prices.keys()].sort()).toEqual(lines.map(([sku]) => sku).sort());
    const expected = lines.reduce(
      (sum, [sku, quantity]) => sum + quantity * (prices.get(sku) ?? 0),
      0,
    );
    expect(confirmationOf(await placeOrder(sandbox(), { lines })).total).toBe(centsText(expected));
  });

  it('records the order so that the orders service lists it first', async () => {
    const before = await ordersOf(sandbox());
    const confirmation = confirmationOf(
      await placeOrder(sandbox(), {
        lines: [
          [FIXTURE_SKUS.tenEuro, 1],
          [FIXTURE_SKUS.fiftyCent, 2],
        ],
      }),
    );
    const [first, ...rest] = await ordersOf(sandbox());
    expect(first).toStrictEqual({
      orderNo: confirmation.orderNo,
      placedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) as unknown,
      status: 'ACCEPTED',
      total: { amount: '11.00', currency: 'EUR' },
      lineCount: 2,
    });
    expect(rest).toStrictEqual(before);
  });

  it('records ShipTo text with markup characters, quotes and non-ASCII exactly as sent', async () => {
    const shipTo: ShipTo = {
      name: `Zoë "Z" O'Brien & <Co> ]]> 日本`,
      street: 'Müllerstraße 1 <Hinterhaus> & Hof',
      city: "Saint-Étienne-d'Orthe",
      postalCode: '40300',
      country: 'FR',
    };
    const reference = `ref & <${randomUUID()}> ]]>`;
    const confirmation = confirmationOf(
      await placeOrder(sandbox(), {
        lines: [[FIXTURE_SKUS.tenEuro, 1]],
        shipTo,
        clientReference: reference,
      }),
    );
    const placed = sandbox().store.placedOrders.find(
      (order) => order.confirmation.orderNo === confirmation.orderNo,
    );
    expect(placed).toMatchObject({
      clientReference: reference,
      customerId: ANN,
      currency: 'EUR',
      lines: [{ sku: '000219', quantity: 1 }],
      shipTo,
    });
  });

  it('reads CDATA and character references in ShipTo as their text', async () => {
    const rawShipTo = {
      name: '<![CDATA[Ann & <Lee> ]]>',
      street: 'Stra&#xDF;e &#8470; 5',
      city: 'K&#246;ln',
    };
    const confirmation = confirmationOf(
      await placeOrder(sandbox(), { lines: [[FIXTURE_SKUS.tenEuro, 1]], rawShipTo }),
    );
    const placed = sandbox().store.placedOrders.find(
      (order) => order.confirmation.orderNo === confirmation.orderNo,
    );
    expect(placed?.shipTo).toMatchObject({
      name: 'Ann & <Lee> ',
      street: 'Straße № 5',
      city: 'Köln',
    });
  });
});

describe('ERP PlaceOrder decrementing stock', () => {
  const sandbox = useSandbox();

  it('takes stock from the warehouses in the order GetStock lists them', async () => {
    expect(await stockOf(sandbox(), ['000123'])).toStrictEqual([
      ['000123 BER', 12],
      ['000123 HAM', 3],
    ]);
    confirmationOf(await placeOrder(sandbox(), { lines: [['000123', 13]] }));
    expect(await stockOf(sandbox(), ['000123'])).toStrictEqual([
      ['000123 BER', 0],
      ['000123 HAM', 2],
    ]);
    confirmationOf(await placeOrder(sandbox(), { lines: [['000123', 2]] }));
    expect(await stockOf(sandbox(), ['000123'])).toStrictEqual([
      ['000123 BER', 0],
      ['000123 HAM', 0],
    ]);
    expectClientFault(
      await placeOrder(sandbox(), { lines: [['000123', 1]] }),
      'OUT_OF_STOCK',
      '000123',
    );
  });

  it('accepts exactly the quantity on hand', async () => {
    confirmationOf(await placeOrder(sandbox(), { lines: [[FIXTURE_SKUS.lowStock, 1]] }));
    expect(await stockOf(sandbox(), [FIXTURE_SKUS.lowStock])).toStrictEqual([['000216 HAM', 0]]);
  });
});

describe('ERP PlaceOrder idempotency by ClientReference', () => {
  const sandbox = useSandbox();

  it('answers the first confirmation for the same reference, whatever the new lines, and places nothing twice', async () => {
    const clientReference = randomUUID();
    const first = confirmationOf(
      await placeOrder(sandbox(), { clientReference, lines: [['000123', 2]] }),
    );
    const placedAfterFirst = sandbox().store.placedOrders.length;
    const ordersAfterFirst = await ordersOf(sandbox());
    const stockAfterFirst = await stockOf(sandbox(), ['000123', '000219']);
    expect(stockAfterFirst).toStrictEqual([
      ['000123 BER', 10],
      ['000123 HAM', 3],
      ['000219 BER', 1000],
    ]);

    const again = confirmationOf(
      await placeOrder(sandbox(), {
        clientReference,
        lines: [
          ['000219', 5],
          ['000123', 1],
        ],
      }),
    );
    expect(again).toStrictEqual(first);
    expect(sandbox().store.placedOrders).toHaveLength(placedAfterFirst);
    expect(await ordersOf(sandbox())).toStrictEqual(ordersAfterFirst);
    expect(await stockOf(sandbox(), ['000123', '000219'])).toStrictEqual(stockAfterFirst);
  });

  it('places a new order for a new reference', async () => {
    const one = confirmationOf(await placeOrder(sandbox(), { lines: [['000219', 1]] }));
    const other = confirmationOf(await placeOrder(sandbox(), { lines: [['000219', 1]] }));
    expect(other.orderNo).not.toBe(one.orderNo);
  });
});

describe('ERP PlaceOrder refusing an order', () => {
  const sandbox = useSandbox();
  const watched = ['000123', '000215', '000216', '000219'];

  /** Places the order, expects the fault, and that no stock, order or record changed. */
  async function expectRefused(order: Order, code: string, sku?: string): Promise<void> {
    const before = {
      stock: await stockOf(sandbox(), watched),
      orders: await ordersOf(sandbox()),
      placed: sandbox().store.placedOrders.length,
    };
    expectClientFault(await placeOrder(sandbox(), order), code, sku);
    expect(await stockOf(sandbox(), watched)).toStrictEqual(before.stock);
    expect(await ordersOf(sandbox())).toStrictEqual(before.orders);
    expect(sandbox().store.placedOrders).toHaveLength(before.placed);
  }

  it('refuses OUT_OF_STOCK naming the first SKU short of stock', async () => {
    await expectRefused(
      {
        lines: [
          ['000219', 1],
          ['000216', 2],
          ['000215', 1],
        ],
      },
      'OUT_OF_STOCK',
      '000216',
    );
  });

  it('refuses UNKNOWN_SKU naming the SKU', async () => {
    await expectRefused(
      {
        lines: [
          ['000123', 1],
          ['999999', 1],
        ],
      },
      'UNKNOWN_SKU',
      '999999',
    );
  });

  it.each(Object.keys(SHIP_TO_ELEMENTS) as (keyof ShipTo)[])(
    'refuses INVALID_ADDRESS when ShipTo %s is empty',
    async (field) => {
      await expectRefused({ lines: [['000219', 1]], shipTo: { [field]: '' } }, 'INVALID_ADDRESS');
    },
  );

  it('refuses INVALID_ADDRESS for a country it does not ship to', async () => {
    await expectRefused({ lines: [['000219', 1]], shipTo: { country: 'US' } }, 'INVALID_ADDRESS');
  });

  it('refuses INVALID_REQUEST for a currency other than EUR', async () => {
    await expectRefused({ lines: [['000219', 1]], currency: 'USD' }, 'INVALID_REQUEST');
  });

  it('refuses INVALID_REQUEST for an order without lines', async () => {
    await expectRefused({ lines: [] }, 'INVALID_REQUEST');
  });

  it('does not remember the reference of a refused order', async () => {
    const clientReference = randomUUID();
    await expectRefused({ clientReference, lines: [['000216', 2]] }, 'OUT_OF_STOCK', '000216');
    expect(
      confirmationOf(await placeOrder(sandbox(), { clientReference, lines: [['000216', 1]] }))
        .status,
    ).toBe('ACCEPTED');
  });
});
