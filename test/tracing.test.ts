import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBff } from './helpers/bff.js';
import { startProcess } from './helpers/processes.js';
import { signedInWith } from './helpers/shopper.js';
import { coldSku, pageInput, priced } from './helpers/cache.js';
import { sendTogether } from './helpers/wire.js';

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

  it('makes a look-up merged across requests a child of the request that opened it, linked to every other request it served', async () => {
    exporter.reset();
    const skus = Array.from({ length: 4 }, () => coldSku(bff(), priced(bff())));
    const traceIds = skus.map((_, index) => `${String(index + 1).repeat(8)}${'a'.repeat(24)}`);
    const answers = await sendTogether(
      bff(),
      skus.map((sku, index) => ({
        path: `/trpc/product.page?input=${pageInput(sku)}`,
        headers: { traceparent: `00-${traceIds[index] ?? ''}-b7ad6b7169203331-01` },
      })),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const callOf = new Map(
      spans
        .filter((span) => span.name === 'trpc product.page')
        .map((span) => [span.spanContext().traceId, span]),
    );
    expect([...callOf.keys()].sort()).toEqual([...traceIds].sort());
    const stock = spans.filter((span) => span.name === 'erp GetStock');
    const merged = stock.filter((span) => span.attributes['bff.merged_requests'] !== undefined);
    expect(merged.length).toBeGreaterThan(0);
    const served = new Set<string>();
    for (const span of stock) {
      const opener = callOf.get(span.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(opener?.spanContext().spanId);
      served.add(span.spanContext().traceId);
      for (const link of span.links) {
        const other = callOf.get(link.context.traceId);
        expect(link.context.spanId).toBe(other?.spanContext().spanId);
        served.add(link.context.traceId);
      }
      expect(span.attributes['bff.merged_requests'] ?? 1).toBe(span.links.length + 1);
    }
    // Every page's stock came from a span it is the parent of or linked from.
    expect([...served].sort()).toEqual([...traceIds].sort());
  });
});

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface ExportRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: ExportedSpan[] }[];
  }[];
}

const bodyOf = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('OTLP export', () => {
  it('sends the spans of a request to OTEL_EXPORTER_OTLP_ENDPOINT when the BFF process runs with it', async () => {
    const received: ExportRequest[] = [];
    const paths: string[] = [];
    const receiver = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        paths.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers['content-type'] ?? ''}`);
        if (req.url === '/v1/traces') received.push(JSON.parse(body) as ExportRequest);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const endpoint = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}`;
    const start = fileURLToPath(new URL('../dev/dist/start.js', import.meta.url));
    const running = await startProcess(process.execPath, [start], {
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // OpenTelemetry's own variables apply: JSON here, to read it (protobuf by default).
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export at once rather than every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await fetch(
        `${running.url}/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }))}`,
        { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
      );
      expect(response.status).toBe(200);
      const spansOf = (): ExportedSpan[] =>
        received.flatMap((r) =>
          r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
        );
      const deadline = Date.now() + 10_000;
      while (!spansOf().some((s) => s.name === 'trpc product.page') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const spans = spansOf().filter((s) => s.traceId === traceId);
      const call = spans.find((s) => s.name === 'trpc product.page');
      expect(call?.parentSpanId).toBe('00f067aa0ba902b7');
      const upstream = spans.filter((s) => s !== call);
      expect(upstream.map((s) => s.name)).toEqual(
        expect.arrayContaining(['erp GetProduct', 'pricing getPrices', 'reviews getReviews']),
      );
      for (const span of upstream) expect(span.parentSpanId).toBe(call?.spanId);
      const service = received[0]?.resourceSpans[0]?.resource.attributes.find(
        (a) => a.key === 'service.name',
      );
      expect(service?.value.stringValue).toBe('storefront-bff');
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      // Spans only, flushed at shutdown included: no OTel metrics or logs go to the endpoint (the
      // metrics are on /metrics, the logs on stderr).
      expect(paths.filter((p) => p !== 'POST /v1/traces application/json')).toEqual([]);
    } finally {
      running.child.kill('SIGKILL');
      receiver.close();
    }
  });
});
