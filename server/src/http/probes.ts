import type { ServerResponse } from 'node:http';
import type { Logger } from '../kit/logger.js';

export interface ProbeOptions {
  /** Whether the BFF is ready to serve (for /readyz). */
  ready: () => boolean;
  /** The Prometheus text `/metrics` answers. */
  scrape: () => Promise<{ contentType: string; text: string }>;
  log: Logger;
}

/** Paths for probes and scrapers: no log line each. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** A small JSON answer that no cache keeps. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * /healthz (the process answers), /readyz (it is ready and not draining: 503 otherwise) and
 * /metrics. Returns a function that answers `path` if it is one of them, true when it did.
 */
export function createProbes(
  options: ProbeOptions,
): (path: string, res: ServerResponse) => boolean {
  return (path, res) => {
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      if (options.ready()) sendJson(res, 200, { status: 'ready' });
      else sendJson(res, 503, { status: 'unavailable' });
      return true;
    }
    if (path === '/metrics') {
      options.scrape().then(
        ({ contentType, text }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        (error: unknown) => {
          // A collector that throws must not leave the scrape hanging, nor crash the process.
          options.log.error('metrics scrape failed', {
            cause: error instanceof Error ? error.message : 'unknown',
          });
          if (!res.headersSent) sendJson(res, 500, { error: 'metrics_unavailable' });
          else res.destroy();
        },
      );
      return true;
    }
    return false;
  };
}
