import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server under test, running in a child process of its own (so its CPU and RSS are its own). */
export interface Target {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  /** Log lines left out: "client went away" warnings (autocannon drops its connections at the end of each load) and repeats of a line already shown. */
  suppressedLines(): number;
  /** The per-request log lines (`"msg":"request"`) it wrote: counted, never shown. */
  requestLines(): number;
  stop(): Promise<void>;
}

/** Log lines of a target that say only that a client closed its connection mid-request. */
const CLIENT_WENT_AWAY = /CLIENT_CLOSED_REQUEST|caller went away/;
/** The BFF's line per request (at LOG_LEVEL=info). */
const REQUEST_LINE = /"msg":"request"/;

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitHealthy(
  url: string,
  child: ChildProcess,
  name: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} was not healthy within ${timeoutMs} ms`);
}

/** Starts `node ...nodeArgs script` with `env` added on a free port (PORT, HOST) and waits for GET /healthz. */
export async function startTarget(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
  /** Hears every line the target prints, shown or not. */
  onLine?: (line: string) => void,
): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let suppressed = 0;
  let requestLines = 0;
  const shown = new Set<string>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      onLine?.(line);
      if (REQUEST_LINE.test(line)) {
        requestLines += 1;
        return;
      }
      // JSON log lines differ by time and request id: repeats are recognized by their message.
      const key = line.replace(/"(time|requestId)":"[^"]*"/g, '').replace(/\(node:\d+\)/, '');
      if (CLIENT_WENT_AWAY.test(line) || shown.has(key)) {
        suppressed += 1;
        return;
      }
      shown.add(key);
      process.stderr.write(`[${name}] ${line}\n`);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitHealthy(url, child, name, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    url,
    pid: child.pid,
    suppressedLines: () => suppressed,
    requestLines: () => requestLines,
    stop,
  };
}
