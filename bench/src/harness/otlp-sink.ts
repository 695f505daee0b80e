import { once } from 'node:events';
import { createServer } from 'node:http';

/** An OTLP/HTTP trace receiver that only counts: where the traced BFF of the bench exports its spans. */
export interface OtlpSink {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds /v1/traces). */
  url: string;
  /** Spans received so far. */
  spans(): number;
  /** Export requests received so far. */
  exports(): number;
  close(): Promise<void>;
}

interface ExportTraceRequest {
  resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
}

const countSpans = (body: ExportTraceRequest): number =>
  (body.resourceSpans ?? []).reduce(
    (total, resource) =>
      total +
      (resource.scopeSpans ?? []).reduce((sum, scope) => sum + (scope.spans?.length ?? 0), 0),
    0,
  );

/** The length-delimited fields numbered `field` in a protobuf message (other fields skipped). */
function* messagesOf(bytes: Buffer, field: number): Generator<Buffer> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated protobuf');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const wireType = tag & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (tag >>> 3 === field) yield bytes.subarray(at, at + length);
      at += length;
    } else throw new Error(`protobuf wire type ${String(wireType)}`);
  }
}

/** Spans in an OTLP protobuf ExportTraceServiceRequest: resource_spans(1) → scope_spans(2) → spans(2). */
function countProtobufSpans(body: Buffer): number {
  let spans = 0;
  for (const resource of messagesOf(body, 1))
    for (const scope of messagesOf(resource, 2))
      for (const _span of messagesOf(scope, 2)) spans += 1;
  return spans;
}

/** Listens on 127.0.0.1:0 and answers every POST /v1/traces (OTLP protobuf or JSON) with an empty success. */
export async function startOtlpSink(): Promise<OtlpSink> {
  let spans = 0;
  let exports = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      exports += 1;
      const body = Buffer.concat(chunks);
      if (req.headers['content-type'] === 'application/json') {
        spans += countSpans(JSON.parse(body.toString('utf8')) as ExportTraceRequest);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        spans += countProtobufSpans(body);
        // An empty ExportTraceServiceResponse.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    spans: () => spans,
    exports: () => exports,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
