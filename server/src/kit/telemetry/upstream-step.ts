import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Link,
  type Tracer,
} from '@opentelemetry/api';
import type { RequestScope, UpstreamStep } from '../upstream/upstream.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import type { Metrics } from './metrics.js';
import type { RequestRecord } from './request-record.js';

/**
 * The outermost step of every upstream call: a client span (a child of the request's, attributes
 * upstream, operation, outcome, status) whose `traceparent` goes upstream, the call's duration and
 * outcome in the metrics, and its time added to the request's record (Server-Timing). A merged
 * look-up (`also`: the other requests it serves) links its span to each of theirs and adds its
 * time to each one's record too.
 */
export function observeUpstream(metrics: Metrics, tracer: Tracer): UpstreamStep {
  return async (call, next) => {
    const started = performance.now();
    const { scope, also } = call.options;
    const parent = scope?.trace ?? ROOT_CONTEXT;
    const span = tracer.startSpan(
      `${call.upstream} ${call.request.operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'bff.upstream': call.upstream, 'bff.operation': call.request.operation },
        ...(also ? { links: linksTo(also) } : {}),
      },
      parent,
    );
    if (also) span.setAttribute('bff.merged_requests', also.length + 1);
    if (call.options.shadow) span.setAttribute('bff.shadow', true);
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
      addTo(scope?.record, call.upstream, ms);
      if (also) for (const served of also) addTo(served.record, call.upstream, ms);
      span.setAttribute('bff.outcome', outcome);
      span.end();
    }
  };
}

function addTo(record: RequestRecord | undefined, upstream: string, ms: number): void {
  if (!record) return;
  record.upstreamCalls += 1;
  record.upstreamMs.set(upstream, (record.upstreamMs.get(upstream) ?? 0) + ms);
}

/** Links to the spans of the requests a merged call served besides its opener's. */
function linksTo(scopes: readonly RequestScope[]): Link[] {
  const links: Link[] = [];
  for (const served of scopes) {
    const context = served.trace && trace.getSpanContext(served.trace);
    if (context) links.push({ context, attributes: { 'bff.request_id': served.requestId } });
  }
  return links;
}
