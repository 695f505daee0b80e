import type { z } from 'zod';
import type { AppErrorCode } from '@storefront/shared';
import { TRPCError } from '@trpc/server';
import { UnknownCurrencyError } from './domain/currency.js';
import { AggregateAbortedError, PartTimeoutError } from './kit/aggregate.js';
import { AuthError } from './kit/auth.js';
import { UpstreamError } from './kit/upstream/upstream-error.js';
import type { OrderRefusal } from './upstreams/erp/records.js';

type Code = TRPCError['code'];

/** A TRPCError with docs/api.md's `appCode` (and, for CONFLICT at orders.place, the SKU). */
export class ApiError extends TRPCError {
  readonly appCode: AppErrorCode | null;
  readonly sku: string | undefined;
  /** For RATE_LIMITED: when the client may call again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    code: Code;
    message: string;
    appCode?: AppErrorCode | null;
    sku?: string | undefined;
    retryAfterSeconds?: number | undefined;
    cause?: unknown;
  }) {
    super({
      code: options.code,
      message: options.message,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.appCode = options.appCode ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.sku = options.sku;
  }
}

/*
 * The upstreams' expected outcomes, as what a client sees. Every error a procedure throws is made
 * here or by toApiError below: messages are ours, never an upstream's text.
 */

export const productNotFound = (sku: string): ApiError =>
  new ApiError({ code: 'NOT_FOUND', message: `No product ${sku}`, appCode: 'PRODUCT_NOT_FOUND' });

export const accountNotFound = (): ApiError =>
  new ApiError({
    code: 'NOT_FOUND',
    message: 'There is no account for this user',
    appCode: 'ACCOUNT_NOT_FOUND',
  });

export const versionConflict = (): ApiError =>
  new ApiError({
    code: 'CONFLICT',
    message: 'The cart changed since that version',
    appCode: 'VERSION_CONFLICT',
  });

export const orderInProgress = (): ApiError =>
  new ApiError({
    code: 'CONFLICT',
    message: 'Another order of yours is being placed',
    appCode: 'ORDER_IN_PROGRESS',
  });

export const emptyCart = (): ApiError =>
  new ApiError({ code: 'BAD_REQUEST', message: 'The cart is empty', appCode: 'EMPTY_CART' });

export const rateLimited = (retryAfterSeconds: number): ApiError =>
  new ApiError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many requests: try again in ${String(retryAfterSeconds)} s`,
    appCode: 'RATE_LIMITED',
    retryAfterSeconds,
  });

export const overloaded = (): ApiError =>
  new ApiError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The service is busy: try again shortly',
    appCode: 'OVERLOADED',
  });

export const tooLarge = (maxBytes: number): ApiError =>
  new ApiError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `The body is larger than ${String(maxBytes)} bytes`,
  });

export const batchTooLarge = (calls: number, maxCalls: number): ApiError =>
  new ApiError({
    code: 'BAD_REQUEST',
    message: `A batch holds at most ${String(maxCalls)} calls; this one has ${String(calls)}`,
  });

export const notJson = (): ApiError =>
  new ApiError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send a JSON body (content-type: application/json)',
  });

/** The REST face: no route at this path. */
export const noRoute = (method: string, path: string): ApiError =>
  new ApiError({ code: 'NOT_FOUND', message: `No route ${method} ${path}` });

/** The REST face: the path has routes, none for this method. */
export const methodNotAllowed = (method: string, allowed: readonly string[]): ApiError =>
  new ApiError({
    code: 'METHOD_NOT_SUPPORTED',
    message: `${method} is not allowed here; use ${allowed.join(' or ')}`,
  });

/** The REST face: a request that cannot become a procedure's input (the message says why). */
export const badRequest = (message: string): ApiError =>
  new ApiError({ code: 'BAD_REQUEST', message });

/** The ERP's refusal of an order: the shopper can act on each (change the cart or the address). */
export function orderRefused(refusal: OrderRefusal): ApiError {
  switch (refusal.reason) {
    case 'out-of-stock':
      return new ApiError({
        code: 'CONFLICT',
        message: `Not enough stock of ${refusal.sku ?? 'a product'}`,
        appCode: 'OUT_OF_STOCK',
        sku: refusal.sku,
      });
    case 'unknown-sku':
      return new ApiError({
        code: 'CONFLICT',
        message: `The ERP does not know ${refusal.sku ?? 'a product'}`,
        appCode: 'PRODUCT_NOT_FOUND',
        sku: refusal.sku,
      });
    case 'invalid-address':
      return new ApiError({
        code: 'BAD_REQUEST',
        message: 'The address is incomplete or outside the shipping area',
        appCode: 'INVALID_ADDRESS',
      });
    case 'too-many-items':
      return new ApiError({
        code: 'BAD_REQUEST',
        message: 'The order has more lines than the ERP takes',
      });
    case 'invalid-request':
      // The BFF built an order the ERP cannot read: our failure, not the shopper's.
      return new ApiError({
        code: 'BAD_GATEWAY',
        message: 'An upstream service failed',
        appCode: 'UPSTREAM_UNAVAILABLE',
      });
  }
}

const unavailable = (code: Code, message: string, cause: unknown): ApiError =>
  new ApiError({ code, message, appCode: 'UPSTREAM_UNAVAILABLE', cause });

/**
 * The one mapping from what went wrong to what a client sees (docs/api.md's error table). Messages are
 * ours: an upstream's URL, key, body or stack never reaches a client.
 */
export function toApiError(error: unknown): TRPCError {
  const cause =
    error instanceof TRPCError &&
    !(error instanceof ApiError) &&
    error.code === 'INTERNAL_SERVER_ERROR' &&
    error.cause
      ? error.cause
      : error;
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof AuthError)
    return new ApiError({ code: 'UNAUTHORIZED', message: 'Sign in with a valid token', cause });
  if (cause instanceof UnknownCurrencyError)
    return new ApiError({ code: 'BAD_REQUEST', message: cause.message, cause });
  if (cause instanceof PartTimeoutError)
    return unavailable('GATEWAY_TIMEOUT', 'An upstream service did not answer in time', cause);
  if (cause instanceof AggregateAbortedError)
    return new ApiError({ code: 'CLIENT_CLOSED_REQUEST', message: 'The client went away', cause });
  if (cause instanceof UpstreamError) {
    if (cause.kind === 'unavailable')
      return unavailable('SERVICE_UNAVAILABLE', 'An upstream service is unavailable', cause);
    if (cause.kind === 'timeout')
      return unavailable('GATEWAY_TIMEOUT', 'An upstream service did not answer in time', cause);
    return unavailable('BAD_GATEWAY', 'An upstream service failed', cause);
  }
  return new ApiError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause });
}

/** One of a validation failure's issues, as `error.data.issues` carries it. */
export interface InputIssue {
  /** Where: `["shipTo", "city"]`; empty for the input as a whole. */
  path: string[];
  /** zod's issue code: `too_big`, `invalid_type`, `unrecognized_keys`, … */
  code: string;
  message: string;
}

const fieldOf = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? 'the input' : `'${path.map(String).join('.')}'`;

const UNITS: Record<string, string> = { string: ' characters', array: ' items' };

/** `'a', 'b' are not fields of this input`: the words for fields an input does not have. */
export const notFields = (names: readonly string[], of = 'this input'): string =>
  `${names.map((name) => `'${name}'`).join(', ')} ${names.length === 1 ? 'is not a field' : 'are not fields'} of ${of}`;

/** One issue in words that name its field. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldOf(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((key) => [...issue.path.map(String), key].join('.'));
      return notFields(keys, issue.path.length === 0 ? 'this input' : field);
    }
    case 'invalid_type':
      return issue.message.endsWith('received undefined')
        ? `${field} is required`
        : `${field} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_big':
      return `${field} must be at most ${String(issue.maximum)}${UNITS[issue.origin] ?? ''}`;
    case 'too_small':
      return `${field} must be at least ${String(issue.minimum)}${UNITS[issue.origin] ?? ''}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

/**
 * A validation failure as one sentence naming the fields ("Invalid input: 'pageSize' must be at
 * most 50; 'limit' is not a field of this input.") and its issues, structured.
 */
export function describeInputError(error: z.core.$ZodError): {
  message: string;
  issues: InputIssue[];
} {
  return {
    message: `Invalid input: ${error.issues.map(describeIssue).join('; ')}.`,
    issues: error.issues.map((issue) => ({
      path: issue.path.map(String),
      code: issue.code,
      message: issue.message,
    })),
  };
}
