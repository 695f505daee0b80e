import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, startProcess, type Running } from './helpers/processes.js';

// `npm run dev:web` and `npm run sandbox`, run as a user runs them, stop everything they started
// on SIGTERM and on a Ctrl-C: no port they opened still accepts connections and no process they
// started still runs. Every port is a free one (PORT=0, WEB_PORT=0, the sandbox's own).

interface Process {
  pid: number;
  ppid: number;
  args: string;
}

/** Every running process; one that has exited but is not reaped yet (a zombie) does not count. */
function processes(): Process[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null && !match[3]?.startsWith('Z'))
    .map((match) => ({
      pid: Number(match?.[1]),
      ppid: Number(match?.[2]),
      args: match?.[4] ?? '',
    }));
}

/** The processes `pid` started, theirs, and so on. */
function descendants(pid: number): Process[] {
  const all = processes();
  const found: Process[] = [];
  for (let parents = new Set([pid]); parents.size > 0;) {
    const children = all.filter((process) => parents.has(process.ppid));
    found.push(...children);
    parents = new Set(children.map((child) => child.pid));
  }
  return found;
}

const stillRunning = (pids: readonly number[]): number[] => {
  const running = new Set(processes().map((process) => process.pid));
  return pids.filter((pid) => running.has(pid));
};

/** Whether anything accepts a TCP connection at the URL's host and port. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** The processes each test started: killed after it, should it fail before they stopped. */
const started: Process[] = [];
const remember = (root: number): void => {
  started.push(...processes().filter((process) => process.pid === root), ...descendants(root));
};
afterEach(() => {
  // A process counts as left only with the same id and command line (an id may be used again).
  for (const left of processes())
    if (started.some((process) => process.pid === left.pid && process.args === left.args))
      process.kill(left.pid, 'SIGKILL');
  started.length = 0;
});

/** Waits until nothing listens at any of `urls` and none of `pids` runs. */
async function expectAllStopped(urls: readonly string[], pids: readonly number[]): Promise<void> {
  for (const url of urls) await expect.poll(() => accepts(url), { timeout: 10_000 }).toBe(false);
  await expect.poll(() => stillRunning(pids), { timeout: 10_000 }).toEqual([]);
}

describe('npm run dev:web', () => {
  /** `npm run dev:web` on free ports, once the BFF and the storefront's dev server both answer. */
  async function startDevWeb(): Promise<{
    npm: Running;
    app: string;
    vite: number;
    tree: number[];
  }> {
    const npm = await startProcess('npm', ['run', 'dev:web', '--silent'], {
      PORT: '0',
      WEB_PORT: '0',
    });
    remember(npm.child.pid ?? 0);
    // Printed on stderr, the BFF's "listening" line on stdout: either may be read first.
    const storefront = () => /The storefront: (\S+)\//.exec(npm.output())?.[1] ?? '';
    await expect.poll(storefront).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const app = storefront();
    expect(npm.output()).toContain(`(the BFF at ${npm.url}/trpc)`);
    await expect.poll(() => accepts(app), { timeout: 30_000 }).toBe(true);
    // Listening comes a moment before the page is served on a busy machine (a 404 was seen): wait for it.
    await expect.poll(async () => (await fetch(`${app}/`)).status, { timeout: 30_000 }).toBe(200);
    remember(npm.child.pid ?? 0);
    const tree = descendants(npm.child.pid ?? 0);
    const vite = tree.find((process) => process.args.includes('vite.js'));
    expect(vite, JSON.stringify(tree)).toBeDefined();
    return { npm, app, vite: vite?.pid ?? 0, tree: tree.map((process) => process.pid) };
  }

  it('stops the BFF, the sandbox and Vite on SIGTERM, and exits 0', async () => {
    const { npm, app, tree } = await startDevWeb();
    npm.child.kill('SIGTERM');
    expect(await npm.exited).toBe(0);
    await expectAllStopped([npm.url, app], tree);
    expect(npm.output()).toMatch(/"signal":"SIGTERM"[^\n]*"msg":"shutting down"/);
    expect(npm.output()).toContain('"msg":"stopped"');
  }, 90_000);

  it('stops everything on a Ctrl-C (SIGINT to every process of the command)', async () => {
    const { npm, app, tree } = await startDevWeb();
    // A terminal sends SIGINT to each process of the foreground job. npm passes its own on as
    // well, so the BFF may see a second SIGINT and exit at once (1): the exit code is not checked.
    for (const pid of [npm.child.pid ?? 0, ...tree]) process.kill(pid, 'SIGINT');
    await npm.exited;
    await expectAllStopped([npm.url, app], tree);
  }, 90_000);

  it('stops the BFF and exits 1 when the storefront dev server dies', async () => {
    const { npm, app, vite, tree } = await startDevWeb();
    process.kill(vite, 'SIGKILL');
    expect(await npm.exited).toBe(1);
    await expectAllStopped([npm.url, app], tree);
    expect(npm.output()).toContain(
      "The storefront's dev server exited (SIGKILL): stopping the BFF",
    );
    expect(npm.output()).toContain('"msg":"stopped"');
  }, 90_000);
});

describe('npm run sandbox', () => {
  /** `npm run sandbox` (every service and the control API on a free port), once it has printed its URLs. */
  async function startSandboxCommand() {
    const npm = spawn('npm', ['run', 'sandbox', '--silent', '--', '--latency', 'none'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TURBO_TELEMETRY_DISABLED: '1',
        TURBO_NO_UPDATE_NOTIFIER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer): void => {
        printed += chunk.toString('utf8');
        if (printed.includes('Fixture SKUs:')) resolve();
      };
      npm.stdout.on('data', read);
      npm.stderr.on('data', read);
      void exited.then(() => {
        reject(new Error(`npm run sandbox exited:\n${printed}`));
      });
    });
    remember(npm.pid ?? 0);
    const tree = descendants(npm.pid ?? 0).map((process) => process.pid);
    expect(tree.length).toBeGreaterThan(0);
    const urls = [
      ...printed.matchAll(/^export [A-Z0-9_]+_URL=(\S+)$/gm),
      ...printed.matchAll(/^Control API [^:]*: (\S+)$/gm),
    ].map(([, url = '']) => url);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(await accepts(url), url).toBe(true);
    return { npm, exited, urls, tree };
  }

  it('stops every service and the control API on SIGTERM, and exits 0', async () => {
    const { npm, exited, urls, tree } = await startSandboxCommand();
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expectAllStopped(urls, tree);
  }, 60_000);

  it('exits 0 on a Ctrl-C, which reaches it twice (from the terminal and from npm)', async () => {
    const { npm, exited, urls, tree } = await startSandboxCommand();
    for (const pid of [npm.pid ?? 0, ...tree]) process.kill(pid, 'SIGINT');
    expect(await exited).toBe(0);
    await expectAllStopped(urls, tree);
  }, 60_000);
});
