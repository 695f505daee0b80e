import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import type { UpstreamStep } from '../upstream/upstream.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import type { Metrics } from './metrics.js';

/**
 * The outermost step of every upstream call: a client span (a child of the request's, attributes
 * upstream, operation, outcome, status) whose `traceparent` goes upstream, the call's duration and
 * outcome in the metrics, and its time added to the request's record (Server-Timing).
 */
export function observeUpstream(metrics: Metrics, tracer: Tracer): UpstreamStep {
  return async (call, next) => {
    const started = performance.now();
    const parent = call.options.scope?.trace ?? ROOT_CONTEXT;
    const span = tracer.startSpan(
      `${call.upstream} ${call.request.operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'bff.upstream': call.upstream, 'bff.operation': call.request.operation },
      },
      parent,
    );
    propagation.inject(trace.setSpan(parent, span), call.headers);
    let outcome = 'ok';
    try {
      return await next();
    } catch (error) {
      outcome = error instanceof UpstreamError ? error.kind : 'error';
      if (error instanceof UpstreamError && error.status !== undefined)
        span.setAttribute('http.response.status_code', error.status);
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      throw error;
    } finally {
      const ms = performance.now() - started;
      const labels = { upstream: call.upstream, operation: call.request.operation };
      metrics.upstreamCalls.inc({ ...labels, outcome });
      metrics.upstreamDuration.observe(labels, ms / 1000);
      const record = call.options.scope?.record;
      if (record) {
        record.upstreamCalls += 1;
        record.upstreamMs.set(call.upstream, (record.upstreamMs.get(call.upstream) ?? 0) + ms);
      }
      span.setAttribute('bff.outcome', outcome);
      span.end();
    }
  };
}
