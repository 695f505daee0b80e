import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import { ROOT } from './processes.js';

/** The configuration shipped in deploy/: the test runs that very file. */
export const HAPROXY_CONFIG = join(ROOT, 'deploy', 'haproxy.cfg');

/** HAProxy running deploy/haproxy.cfg in the foreground, on addresses the test chose. */
export interface Haproxy {
  /** Where clients connect: `http://127.0.0.1:PORT`. */
  url: string;
  /**
   * The state HAProxy's health checks give a server of the `bff` backend: `UP`, `DOWN`, or on the
   * way between them `UP 1/2` (failing, still up) and `DOWN 1/2` (passing, still down).
   */
  status(server: string): Promise<string>;
  /** Responses with a 2xx status that a server of the `bff` backend has given through HAProxy. */
  served(server: string): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export interface HaproxyAddresses {
  listenPort: number;
  statsPort: number;
  /** `host:port` of each server in the configuration, by name (`BFF1_ADDR`…). */
  servers: Record<string, string>;
}

/** One row of HAProxy's CSV statistics, by column name. */
type StatsRow = Record<string, string>;

/** Starts haproxy on deploy/haproxy.cfg and waits until its statistics answer. */
export async function startHaproxy(addresses: HaproxyAddresses): Promise<Haproxy> {
  const child = spawn('haproxy', ['-db', '-f', HAPROXY_CONFIG], {
    env: {
      PATH: process.env.PATH ?? '',
      BFF_LB_BIND: `127.0.0.1:${String(addresses.listenPort)}`,
      BFF_LB_STATS_BIND: `127.0.0.1:${String(addresses.statsPort)}`,
      ...addresses.servers,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const statsUrl = `http://127.0.0.1:${String(addresses.statsPort)}/stats;csv`;
  const rows = async (): Promise<StatsRow[]> => {
    const [header = '', ...lines] = (await (await fetch(statsUrl)).text()).trim().split('\n');
    const names = header.replace(/^# /, '').split(',');
    return lines.map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(names.map((name, index) => [name, cells[index] ?? '']));
    });
  };
  const row = async (server: string): Promise<StatsRow> => {
    const found = (await rows()).find((r) => r.pxname === 'bff' && r.svname === server);
    if (!found) throw new Error(`HAProxy has no server ${server} in backend bff`);
    return found;
  };

  await vi.waitFor(
    async () => {
      if (!running) throw new Error(`haproxy exited:\n${output}`);
      const answer = await fetch(statsUrl);
      if (answer.status !== 200)
        throw new Error(`HAProxy's statistics answer ${String(answer.status)}`);
    },
    { timeout: 15_000, interval: 50 },
  );

  return {
    url: `http://127.0.0.1:${String(addresses.listenPort)}`,
    status: async (server) => (await row(server)).status ?? '',
    served: async (server) => Number((await row(server)).hrsp_2xx),
    output: () => output,
    async stop() {
      if (running) child.kill('SIGTERM');
      await exited;
    },
  };
}
