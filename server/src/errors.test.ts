import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { UnknownCurrencyError } from './domain/currency.js';
import { ApiError, orderRefused, toApiError } from './errors.js';
import { AggregateAbortedError, PartTimeoutError } from './kit/aggregate.js';
import { AuthError } from './kit/auth.js';
import { UpstreamError } from './kit/upstream/upstream-error.js';

const shape = (error: TRPCError) => ({
  code: error.code,
  appCode: error instanceof ApiError ? error.appCode : undefined,
  message: error.message,
});

describe('orderRefused', () => {
  it("maps each of the ERP's refusals to what the shopper can act on", () => {
    expect(shape(orderRefused({ reason: 'out-of-stock', sku: '000123' }))).toEqual({
      code: 'CONFLICT',
      appCode: 'OUT_OF_STOCK',
      message: 'Not enough stock of 000123',
    });
    expect(orderRefused({ reason: 'out-of-stock', sku: '000123' }).sku).toBe('000123');
    expect(shape(orderRefused({ reason: 'unknown-sku', sku: '999999' }))).toMatchObject({
      code: 'CONFLICT',
      appCode: 'PRODUCT_NOT_FOUND',
    });
    expect(shape(orderRefused({ reason: 'invalid-address' }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'INVALID_ADDRESS',
    });
    expect(shape(orderRefused({ reason: 'too-many-items' }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: null,
    });
    expect(shape(orderRefused({ reason: 'invalid-request' }))).toMatchObject({
      code: 'BAD_GATEWAY',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
  });
});

describe('toApiError', () => {
  it('maps upstream failures by kind: a timeout to GATEWAY_TIMEOUT, anything else to BAD_GATEWAY, never with their text', () => {
    expect(shape(toApiError(new UpstreamError('erp', 'timeout')))).toEqual({
      code: 'GATEWAY_TIMEOUT',
      appCode: 'UPSTREAM_UNAVAILABLE',
      message: 'An upstream service did not answer in time',
    });
    for (const kind of ['http', 'network', 'invalid-response', 'fault'] as const) {
      expect(
        shape(toApiError(new UpstreamError('erp', kind, { status: 500, faultCode: 'Server' }))),
      ).toEqual({
        code: 'BAD_GATEWAY',
        appCode: 'UPSTREAM_UNAVAILABLE',
        message: 'An upstream service failed',
      });
    }
  });

  it('maps a part out of time, a client gone, an unknown currency and sign-in trouble', () => {
    expect(shape(toApiError(new PartTimeoutError('product')))).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
    expect(shape(toApiError(new AggregateAbortedError('gone')))).toMatchObject({
      code: 'CLIENT_CLOSED_REQUEST',
    });
    expect(shape(toApiError(new UnknownCurrencyError('XYZ')))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: null,
    });
    expect(shape(toApiError(new AuthError('invalid')))).toMatchObject({
      code: 'UNAUTHORIZED',
      appCode: null,
    });
    // A key the BFF cannot learn now (the identity provider is down) is no valid token either.
    expect(shape(toApiError(new AuthError('unknown-key')))).toMatchObject({
      code: 'UNAUTHORIZED',
      appCode: null,
    });
  });

  it('unwraps what tRPC wrapped as INTERNAL_SERVER_ERROR, and hides anything unknown behind a plain message', () => {
    const wrapped = new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      cause: new UpstreamError('pricing', 'timeout'),
    });
    expect(toApiError(wrapped).code).toBe('GATEWAY_TIMEOUT');
    expect(shape(toApiError(new Error('secret http://10.0.0.1/key=abc')))).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      appCode: null,
      message: 'Internal server error',
    });
  });
});
