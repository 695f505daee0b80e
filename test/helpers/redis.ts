import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { describe } from 'vitest';

/** The binary the Redis suites start (CI installs it with apt). */
const REDIS_SERVER = 'redis-server';
/** How long a redis-server may take to accept connections. */
const START_TIMEOUT_MS = 10_000;

/** A redis-server of a test's own, on 127.0.0.1 and a free port, with no persistence. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Kills the server (SIGKILL, as a crash would) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (stopping it first if it runs) and waits until it answers PING. */
  restart(): Promise<void>;
}

/** Whether `command` can be run here (found and started: its answer to `--version` does not matter). */
function installed(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/**
 * `describe` for suites that need programs installed on the machine: when one is missing the suite
 * is skipped, never silently: a banner says what is not tested and how to install it.
 */
export function describeNeeding(
  commands: readonly string[],
  name: string,
  untested: string,
  suite: () => void,
): void {
  const missing = commands.filter((command) => !installed(command));
  if (missing.length === 0) {
    describe(name, suite);
    return;
  }
  const line = '!'.repeat(96);
  console.warn(
    [
      '',
      line,
      `!!! SKIPPED: "${name}"`,
      `!!! ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed on this machine, so ${untested} is NOT TESTED.`,
      `!!! Install ${missing.join(' and ')} (apt-get install …) to run these tests; CI installs ${missing.length === 1 ? 'it' : 'them'}.`,
      line,
      '',
    ].join('\n'),
  );
  describe.skip(name, suite);
}

/**
 * `describe` for suites that need a real redis-server: when the binary is missing they are
 * skipped, never silently: a banner says so in the test output.
 */
export function describeRedis(name: string, suite: () => void): void {
  describeNeeding([REDIS_SERVER], name, 'the Redis tier of the cache', suite);
}

/** A port nobody listens on right now (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** A Redis reply: simple and bulk strings as strings, integers as numbers, nil as null. */
export type RespReply = string | number | null | RespReply[];

/** A reply as ioredis hands it over (`unknown`), checked. */
function replyOf(value: unknown): RespReply {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(replyOf);
  throw new Error(`not a Redis reply: ${JSON.stringify(value)}`);
}

/**
 * One command over a connection of its own (ioredis), closed after the reply: no retries, no
 * queue while disconnected, so a server that is down fails the call at once. An error reply rejects.
 */
export async function redisCommand(url: string, ...args: string[]): Promise<RespReply> {
  const [command, ...rest] = args;
  if (command === undefined) throw new Error('redisCommand needs a command');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Reported through the command's own rejection.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return replyOf(await client.call(command, ...rest));
  } finally {
    client.disconnect();
  }
}

/** Starts redis-server on `port` and resolves once it answers PING. */
async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `redis-server on port ${String(port)} did not start within ${String(START_TIMEOUT_MS)} ms:\n${output}`,
        ),
      );
    }, START_TIMEOUT_MS);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      // Redis logs this line once it listens.
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server on port ${String(port)} exited (${String(code ?? signal)}) before it was ready:\n${output}`,
        ),
      );
    });
  });
  await ready;
  const pong = await redisCommand(`redis://127.0.0.1:${String(port)}`, 'PING');
  if (pong !== 'PONG')
    throw new Error(
      `redis-server on port ${String(port)} answered PING with ${JSON.stringify(pong)}`,
    );
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill('SIGKILL');
  await exited;
}

/** A redis-server on a free port of 127.0.0.1; stop it in afterAll. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined = await spawnRedis(port);
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    port,
    async stop() {
      const running = child;
      child = undefined;
      if (running) await kill(running);
    },
    async restart() {
      if (child) await kill(child);
      child = undefined;
      child = await spawnRedis(port);
    },
  };
}

/**
 * The connections a Redis server has from others than this probe (whose last command is CLIENT LIST):
 * subscribers (in pub/sub mode) and command connections that have sent at least one command
 * (ioredis's ready check sends INFO first).
 */
export async function redisConnections(
  url: string,
): Promise<{ subscribers: number; commands: number }> {
  const list = await redisCommand(url, 'CLIENT', 'LIST');
  if (typeof list !== 'string') throw new Error(`CLIENT LIST answered ${JSON.stringify(list)}`);
  const clients = list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(
      (line) =>
        Object.fromEntries(
          line
            .trim()
            .split(' ')
            .map((field) => [
              field.slice(0, field.indexOf('=')),
              field.slice(field.indexOf('=') + 1),
            ]),
        ) as Record<string, string | undefined>,
    );
  const others = clients.filter((client) => client.cmd !== 'client|list');
  return {
    subscribers: others.filter(
      (client) => client.flags?.includes('P') === true || Number(client.sub ?? 0) > 0,
    ).length,
    commands: others.filter(
      (client) =>
        client.flags?.includes('P') !== true &&
        Number(client.sub ?? 0) === 0 &&
        client.cmd !== 'NULL',
    ).length,
  };
}
