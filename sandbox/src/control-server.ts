import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from './host/faults.js';
import { SERVICE_NAMES, type ServiceName } from './host/types.js';
import type { Sandbox } from './start-sandbox.js';

const FAULT_KINDS: readonly Fault['kind'][] = [
  'latency',
  'status',
  'soap-fault',
  'malformed',
  'hang',
  'reset',
  'flood',
  'drip',
  'redirect',
  'answer',
];

const isService = (value: unknown): value is ServiceName =>
  typeof value === 'string' && (SERVICE_NAMES as readonly string[]).includes(value);

function parseFault(value: unknown): Fault | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fault = value as Record<string, unknown>;
  const kind = fault.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind))
    return undefined;
  if (kind === 'latency')
    return typeof fault.ms === 'number' && fault.ms >= 0 ? { kind, ms: fault.ms } : undefined;
  if (kind === 'status') {
    if (typeof fault.status !== 'number' || fault.status < 400 || fault.status > 599)
      return undefined;
    return typeof fault.retryAfterSeconds === 'number'
      ? { kind, status: fault.status, retryAfterSeconds: fault.retryAfterSeconds }
      : { kind, status: fault.status };
  }
  if (kind === 'soap-fault')
    return typeof fault.message === 'string' ? { kind, message: fault.message } : { kind };
  if (kind === 'flood')
    return typeof fault.bytes === 'number' && fault.bytes >= 0
      ? { kind, bytes: fault.bytes }
      : undefined;
  if (kind === 'drip')
    return typeof fault.intervalMs === 'number' && fault.intervalMs > 0
      ? { kind, intervalMs: fault.intervalMs }
      : undefined;
  if (kind === 'redirect')
    return typeof fault.location === 'string' ? { kind, location: fault.location } : undefined;
  if (kind === 'answer') {
    const { status, contentType, body } = fault;
    return typeof status === 'number' && typeof contentType === 'string' && typeof body === 'string'
      ? { kind, status, contentType, body }
      : undefined;
  }
  return { kind } as Fault;
}

/**
 * An HTTP API over the sandbox's test controls, for a sandbox run on its own (`npm run sandbox`):
 * `GET /calls`, `DELETE /calls`, `GET /faults`, `POST /faults {service, fault, operation?, times?}`,
 * `DELETE /faults[?service=erp]`, `POST /idp/keys` (rotate), `POST /idp/tokens {username}`.
 */
export async function startControlServer(
  sandbox: Sandbox,
  port = 0,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      };
      const url = new URL(request.url ?? '/', 'http://control.invalid');
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        reply(400, { error: 'invalid JSON' });
        return;
      }
      run(request.method ?? 'GET', url, body)
        .then(([status, answer]) => {
          reply(status, answer);
        })
        .catch((error: unknown) => {
          reply(400, { error: error instanceof Error ? error.message : 'failed' });
        });
    });
  });

  async function run(
    method: string,
    url: URL,
    body: Record<string, unknown>,
  ): Promise<[number, unknown]> {
    switch (`${method} ${url.pathname}`) {
      case 'GET /':
        return [200, { urls: sandbox.urls, keys: sandbox.keys, users: sandbox.users }];
      case 'GET /calls':
        return [200, sandbox.calls.snapshot()];
      case 'DELETE /calls':
        sandbox.calls.reset();
        return [200, {}];
      case 'GET /faults':
        return [200, sandbox.faults.list()];
      case 'POST /faults': {
        const fault = parseFault(body.fault);
        if (!isService(body.service) || !fault)
          return [400, { error: 'expected {service, fault: {kind, …}, operation?, times?}' }];
        sandbox.faults.inject(body.service, fault, {
          ...(typeof body.operation === 'string' ? { operation: body.operation } : {}),
          ...(typeof body.times === 'number' ? { times: body.times } : {}),
        });
        return [201, sandbox.faults.list()];
      }
      case 'DELETE /faults': {
        const service = url.searchParams.get('service');
        if (service !== null && !isService(service)) return [400, { error: 'unknown service' }];
        sandbox.faults.clear(service ?? undefined);
        return [200, {}];
      }
      case 'POST /idp/keys':
        return [201, { kid: await sandbox.idp.rotateKey() }];
      case 'POST /idp/tokens':
        if (typeof body.username !== 'string') return [400, { error: 'expected {username}' }];
        return [201, { access_token: await sandbox.idp.tokenFor(body.username) }];
      default:
        return [404, { error: 'not_found' }];
    }
  }

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return { url: `http://${address.address}:${String(address.port)}`, server };
}
