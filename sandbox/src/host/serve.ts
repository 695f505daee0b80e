import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallCounter } from './calls.js';
import type { Fault, FaultControls } from './faults.js';
import {
  json,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceDefinition,
} from './types.js';

export interface ServeOptions {
  faults: FaultControls;
  calls: CallCounter;
  /** The service's own latency for one request. */
  latencyMs: () => number;
  /** A path prefix the service lives under (`/erp-api`); it is part of the base URL. @default '' */
  basePath?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Request bodies larger than this are answered 413. @default 1_048_576 */
  maxBodyBytes?: number;
  /** A failure of the service's own, drawn per request when no fault was injected (flaky services). */
  chaos?: (operation: string) => Fault | undefined;
}

export interface RunningService {
  /** The base URL, base path included, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    if (!Buffer.isBuffer(chunk)) continue;
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, answer: SandboxResponse): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  });
  response.end(answer.body);
}

/** Writes `bytes` of filler as fast as the client reads them, telling `onSent` how many it wrote. */
function flood(
  response: ServerResponse,
  bytes: number,
  onSent: ((bytes: number) => void) | undefined,
): void {
  const block = Buffer.alloc(65_536, 'x');
  let sent = 0;
  let told = false;
  const tell = (): void => {
    if (told) return;
    told = true;
    onSent?.(sent);
  };
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  const pump = (): void => {
    while (sent < bytes && !response.destroyed) {
      const part = block.subarray(0, Math.min(block.length, bytes - sent));
      sent += part.length;
      if (!response.write(part)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end();
    tell();
  };
  response.once('close', tell);
  pump();
}

/** Runs one simulated service on its own HTTP server, with its latency, faults and call counts. */
export async function serveService(
  service: ServiceDefinition,
  options: ServeOptions,
): Promise<RunningService> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
    if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      send(response, json(404, { error: 'not_found' }));
      return;
    }
    let body: string;
    try {
      body = await readBody(incoming, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) send(response, json(413, { error: 'payload_too_large' }));
      else incoming.socket.destroy();
      return;
    }
    const request: SandboxRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname.slice(basePath.length) || '/',
      query: url.searchParams,
      headers: incoming.headers,
      body,
    };
    const operation = service.operationOf(request);
    options.calls.record(service.name, operation, incoming.headers);
    options.calls.track(service.name, (done) => {
      response.once('close', done);
    });
    const injected = options.faults.take(service.name, operation);
    const drawn = injected.failure ? undefined : options.chaos?.(operation);
    const failure = drawn?.kind === 'latency' ? undefined : (injected.failure ?? drawn);
    const delay =
      options.latencyMs() + injected.latencyMs + (drawn?.kind === 'latency' ? drawn.ms : 0);
    if (delay > 0) await sleep(delay);

    switch (failure?.kind) {
      case 'hang':
        return; // the socket stays open until the client gives up or the sandbox closes
      case 'hold':
        await failure.until.catch(() => undefined);
        break;
      case 'reset':
        incoming.socket.destroy();
        return;
      case 'status': {
        const answer = service.errorResponse(failure.status);
        const retryAfter =
          failure.retryAfterSeconds ??
          (failure.status === 503 || failure.status === 429 ? 1 : undefined);
        if (retryAfter !== undefined) answer.headers['retry-after'] = String(retryAfter);
        send(response, answer);
        return;
      }
      case 'flood':
        flood(response, failure.bytes, failure.onSent);
        return;
      case 'drip': {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.write('{');
        const timer = setInterval(() => response.write(' '), failure.intervalMs);
        response.once('close', () => {
          clearInterval(timer);
        });
        return;
      }
      case 'redirect':
        response.writeHead(failure.status ?? 302, {
          location: failure.location,
          'content-length': 0,
        });
        response.end();
        return;
      case 'answer':
        send(response, {
          status: failure.status,
          headers: { 'content-type': failure.contentType },
          body: failure.body,
        });
        return;
      case 'soap-fault':
        if (service.serverFaultResponse) {
          send(
            response,
            service.serverFaultResponse(
              failure.message ?? 'Internal error: the catalog backend is unavailable',
            ),
          );
          return;
        }
        break;
      default:
        break;
    }

    if (service.apiKey !== undefined && incoming.headers['x-api-key'] !== service.apiKey) {
      send(response, json(401, { error: 'unauthorized' }));
      return;
    }
    const answer = await service.handle(request);
    if (failure?.kind === 'malformed') {
      // The real answer, cut in the middle: what a proxy or a crashed writer leaves behind.
      send(response, {
        ...answer,
        status: 200,
        body: answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))),
      });
      return;
    }
    send(response, answer);
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      // A bug in the sandbox itself: answer 500 rather than crash the process under test.
      console.error(`[sandbox:${service.name}]`, error);
      send(response, json(500, { error: 'internal' }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${String(address.port)}${basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
