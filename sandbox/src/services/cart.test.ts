import { describe, expect, it } from 'vitest';
import { FIXTURE_SKUS } from '../data/fixtures.js';
import { callJson, useSandbox } from '../testing/helpers.js';

const sandbox = useSandbox();

// Asymmetric matchers, typed `unknown` rather than `any`.
const anIsoTimestamp: unknown = expect.stringMatching(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/,
);

/** A user id no other test touches, so that each test starts from an empty cart. */
let nextUser = 0;
const freshUser = (): string => `u-cart-${String(++nextUser)}`;

function versionOf(body: unknown): number {
  const version =
    typeof body === 'object' && body !== null && 'version' in body ? body.version : undefined;
  if (typeof version !== 'number') throw new Error(`no version in ${JSON.stringify(body)}`);
  return version;
}

/** The addedAt of the cart line at this index. */
function addedAtOf(body: unknown, index: number): string {
  const items =
    typeof body === 'object' && body !== null && 'items' in body ? body.items : undefined;
  const item: unknown = Array.isArray(items) ? items[index] : undefined;
  const addedAt =
    typeof item === 'object' && item !== null && 'addedAt' in item ? item.addedAt : undefined;
  if (typeof addedAt !== 'string')
    throw new Error(`no addedAt at line ${String(index)} in ${JSON.stringify(body)}`);
  return addedAt;
}

const getCart = (userId: string) => callJson(sandbox(), 'cart', `/carts/${userId}`);
const setItem = (
  userId: string,
  sku: string,
  body: unknown,
  headers: Record<string, string> = {},
) => callJson(sandbox(), 'cart', `/carts/${userId}/items/${sku}`, { method: 'PUT', body, headers });
const removeItem = (userId: string, sku: string, headers: Record<string, string> = {}) =>
  callJson(sandbox(), 'cart', `/carts/${userId}/items/${sku}`, { method: 'DELETE', headers });
const clearCart = (userId: string, headers: Record<string, string> = {}) =>
  callJson(sandbox(), 'cart', `/carts/${userId}`, { method: 'DELETE', headers });

describe('cart service', () => {
  it('answers an empty cart with version 0 for an unknown user', async () => {
    const { status, headers, body } = await getCart('u-0000');

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({ userId: 'u-0000', items: [], version: 0 });
  });

  it('answers a demo user’s cart with its lines', async () => {
    const { body } = await getCart('u-1003');

    expect(body).toEqual({
      userId: 'u-1003',
      items: [{ sku: '000220', quantity: 3, addedAt: '2026-11-24T23:59:59Z' }],
      version: 1,
    });
  });

  it('sets a line with PUT, bumps the version and answers the whole cart', async () => {
    const user = freshUser();
    const put = await setItem(user, FIXTURE_SKUS.example, { quantity: 3 });

    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      userId: user,
      items: [{ sku: '000123', quantity: 3, addedAt: anIsoTimestamp }],
      version: 1,
    });
    expect((await getCart(user)).body).toEqual(put.body);
  });

  it('changes the quantity of an existing line in place, keeping its position and addedAt', async () => {
    const user = freshUser();
    const first = await setItem(user, '000123', { quantity: 1 });
    await setItem(user, '123', { quantity: 2 });
    const changed = await setItem(user, '000123', { quantity: 5 });

    expect(changed.body).toEqual({
      userId: user,
      items: [
        { sku: '000123', quantity: 5, addedAt: addedAtOf(first.body, 0) },
        { sku: '123', quantity: 2, addedAt: anIsoTimestamp },
      ],
      version: 3,
    });
  });

  it('leaves the cart and its version unchanged when PUT sets the same quantity', async () => {
    const user = freshUser();
    const first = await setItem(user, '000123', { quantity: 2 });
    const again = await setItem(user, '000123', { quantity: 2 });

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(versionOf(again.body)).toBe(1);
  });

  it('accepts quantities 1 and 99', async () => {
    const user = freshUser();

    expect((await setItem(user, '000123', { quantity: 1 })).status).toBe(200);
    expect((await setItem(user, '000123', { quantity: 99 })).status).toBe(200);
  });

  it.each([
    ['0', { quantity: 0 }],
    ['100', { quantity: 100 }],
    ['1.5', { quantity: 1.5 }],
    ['"3" (a string)', { quantity: '3' }],
    ['missing', {}],
  ])('answers 400 and changes nothing for quantity %s', async (_label, body) => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });

    const { status } = await setItem(user, '000123', body);

    expect(status).toBe(400);
    expect((await getCart(user)).body).toMatchObject({
      items: [{ sku: '000123', quantity: 1 }],
      version: 1,
    });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${sandbox().urls.cart}/carts/${freshUser()}/items/000123`, {
      method: 'PUT',
      headers: { 'x-api-key': sandbox().keys.cart, 'content-type': 'application/json' },
      body: '{"quantity": 3',
    });

    expect(response.status).toBe(400);
  });

  it('removes a line with DELETE, bumps the version and answers the whole cart', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });
    await setItem(user, '123', { quantity: 2 });

    const removed = await removeItem(user, '000123');

    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({
      userId: user,
      items: [{ sku: '123', quantity: 2, addedAt: anIsoTimestamp }],
      version: 3,
    });
  });

  it('leaves the version unchanged when DELETE names a SKU that is not in the cart', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });

    const removed = await removeItem(user, '123');

    expect(removed.status).toBe(200);
    expect(versionOf(removed.body)).toBe(1);
  });

  it('empties the cart with DELETE /carts/{userId}, bumping the version rather than resetting it', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });
    await setItem(user, '123', { quantity: 2 });

    const cleared = await clearCart(user);

    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ userId: user, items: [], version: 3 });
    expect((await getCart(user)).body).toEqual(cleared.body);
  });

  it('applies a change whose If-Match names the current version', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });

    const put = await setItem(user, '000123', { quantity: 4 }, { 'if-match': '1' });
    const removed = await removeItem(user, '000123', { 'if-match': '2' });
    const cleared = await clearCart(user, { 'if-match': '3' });

    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ items: [{ sku: '000123', quantity: 4 }], version: 2 });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ items: [], version: 3 });
    expect(cleared.status).toBe(200);
  });

  it('answers 409 {"error":"version_conflict"} to an If-Match that names another version, and changes nothing', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });
    await setItem(user, '000123', { quantity: 2 });
    const before = await getCart(user);

    const put = await setItem(user, '000123', { quantity: 7 }, { 'if-match': '1' });
    const removed = await removeItem(user, '000123', { 'if-match': '1' });
    const cleared = await clearCart(user, { 'if-match': '5' });

    for (const answer of [put, removed, cleared]) {
      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({ error: 'version_conflict' });
    }
    expect((await getCart(user)).body).toEqual(before.body);
  });

  it('takes If-Match as an ETag too: quoted versions and * (any version) match', async () => {
    const user = freshUser();
    await setItem(user, '000123', { quantity: 1 });

    const quoted = await setItem(user, '000123', { quantity: 2 }, { 'if-match': '"1"' });
    const any = await setItem(user, '000123', { quantity: 3 }, { 'if-match': '*' });

    expect(quoted.body).toMatchObject({ version: 2 });
    expect(any.body).toMatchObject({ items: [{ sku: '000123', quantity: 3 }], version: 3 });
  });

  it('answers 409 to If-Match 1 on an unknown user’s empty cart (version 0)', async () => {
    const user = freshUser();

    const put = await setItem(user, '000123', { quantity: 1 }, { 'if-match': '1' });

    expect(put.status).toBe(409);
    expect((await getCart(user)).body).toEqual({ userId: user, items: [], version: 0 });
  });

  it('decodes a percent-encoded SKU in the path', async () => {
    const user = freshUser();

    const put = await setItem(user, 'TR%2D2%2DRED', { quantity: 1 });
    const zeros = await setItem(user, '%30%30%30123', { quantity: 2 });

    expect(put.status).toBe(200);
    expect(zeros.body).toMatchObject({
      items: [
        { sku: 'TR-2-RED', quantity: 1 },
        { sku: '000123', quantity: 2 },
      ],
    });
    const removed = await removeItem(user, 'TR%2D2%2DRED');
    expect(removed.body).toMatchObject({ items: [{ sku: '000123' }] });
  });

  it('answers 400 for a SKU that is not 1 to 32 characters of [0-9A-Za-z-]', async () => {
    const user = freshUser();

    expect((await setItem(user, 'bad%20sku', { quantity: 1 })).status).toBe(400);
    expect((await setItem(user, 'A'.repeat(33), { quantity: 1 })).status).toBe(400);
    expect((await getCart(user)).body).toMatchObject({ items: [], version: 0 });
  });

  it('answers 401 {"error":"unauthorized"} without an X-Api-Key and changes nothing', async () => {
    const user = freshUser();

    const { status, body } = await callJson(sandbox(), 'cart', `/carts/${user}/items/000123`, {
      method: 'PUT',
      body: { quantity: 1 },
      apiKey: null,
    });

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
    expect(versionOf((await getCart(user)).body)).toBe(0);
  });
});
