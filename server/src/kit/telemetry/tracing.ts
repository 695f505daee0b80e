import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * No ambient context: the code hands every span its parent (the request's trace context travels in
 * its scope). The SDK's default context manager (AsyncLocalStorage) would put a hook on every
 * promise of the process on Node 20 for nothing.
 */
class ExplicitParents implements ContextManager {
  active(): Context {
    return ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    _context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/**
 * The OpenTelemetry Node SDK exporting spans as OpenTelemetry's own `OTEL_*` variables say: over
 * OTLP to OTEL_EXPORTER_OTLP_ENDPOINT, as protobuf over HTTP unless OTEL_EXPORTER_OTLP_PROTOCOL
 * says `http/json` or `grpc` (protobuf costs about half of JSON's CPU per span), in batches.
 * Loaded only when it is used.
 */
export async function startTracing(): Promise<{ shutdown(): Promise<void> }> {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: 'storefront-bff',
    // Spans only: metrics are prom-client's on /metrics and logs are pino's (the SDK's defaults
    // would also export an OTel meter's and logger's over OTLP).
    metricReaders: [],
    logRecordProcessors: [],
    contextManager: new ExplicitParents(),
    // The app's own propagator (W3C trace context only): a caller's baggage is not sent upstream.
    textMapPropagator: null,
  });
  sdk.start();
  return sdk;
}
