import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBff } from './helpers/bff.js';
import { signedInWith } from './helpers/shopper.js';

// Spans, as an OpenTelemetry SDK sees them: an in-memory exporter registered for this file (each
// test file runs in a process of its own).

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
});

describe('spans', () => {
  const bff = useBff();

  it('shows the tree of account.dashboard: one tRPC call span, every upstream call a child of it, in the caller’s trace', async () => {
    exporter.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const token = await bff().sandbox.idp.tokenFor('ann');
    const ann = signedInWith(bff(), () => token);
    await ann.account.dashboard.query(undefined, { context: {} });
    const before = exporter.getFinishedSpans().length;
    exporter.reset();
    const response = await fetch(`${bff().url}/trpc/account.dashboard`, {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      },
    });
    expect(response.status).toBe(200);
    expect(before).toBeGreaterThan(0);
    const spans = exporter.getFinishedSpans();
    const calls = spans.filter((span) => span.name === 'trpc account.dashboard');
    expect(calls).toHaveLength(1);
    const call = calls[0];
    if (!call) throw new Error('no call span');
    expect(call.spanContext().traceId).toBe(traceId);
    expect(call.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(call.attributes).toMatchObject({ 'rpc.method': 'account.dashboard', 'bff.code': 'OK' });
    const upstream = spans.filter((span) => span !== call);
    const names = new Set(upstream.map((span) => span.attributes['bff.upstream']));
    for (const name of [
      'accounts',
      'orders',
      'cart',
      'wishlist',
      'notifications',
      'recommendations',
      'erp',
      'pricing',
    ])
      expect(names, name).toContain(name);
    for (const span of upstream) {
      expect(span.parentSpanContext?.spanId, span.name).toBe(call.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.attributes).toMatchObject({ 'bff.outcome': 'ok' });
      expect(typeof span.attributes['bff.operation']).toBe('string');
    }
  });

  it('marks an upstream span that failed with its outcome and status', async () => {
    exporter.reset();
    bff().sandbox.faults.inject('reviews', { kind: 'status', status: 503 }, { times: 1 });
    await bff().client.product.page.query({ sku: '000123' });
    const reviews = exporter
      .getFinishedSpans()
      .find((span) => span.attributes['bff.upstream'] === 'reviews');
    expect(reviews?.attributes).toMatchObject({
      'bff.outcome': 'http',
      'http.response.status_code': 503,
    });
    expect(reviews?.status.code).toBe(2);
  });
});
