import { once } from 'node:events';
import { get, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { holdFault, startSandbox, type Sandbox } from '@storefront/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DEFAULTS } from './helpers/bff.js';
import { startProcess as start, type Running } from './helpers/processes.js';

// A draining shutdown, on the compiled server as it runs in production and through `npm start`.
// Pages are held at the sandbox (its reviews), so that they are in flight when the signal comes
// however slow the machine, and released once the test has seen what it looks for.

const main = fileURLToPath(new URL('../server/dist/main.js', import.meta.url));

const pagePath = (sku: string) =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;
const SKUS = ['000123', '123', '000200', '000201', '000202', '000203', '000204', '000205'];
const fortyTimes = <T>(value: T): T[] => Array.from({ length: 40 }, () => value);

async function statusOf(url: string): Promise<number | 'refused'> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'refused';
  }
}

const started: Running[] = [];
let sandbox: Sandbox | undefined;
afterEach(async () => {
  for (const running of started.splice(0)) running.child.kill('SIGKILL');
  await sandbox?.close();
  sandbox = undefined;
});

/** A sandbox whose reviews are held until `release()`, and the BFF's environment pointing at it. */
async function heldSandbox(): Promise<{ sandbox: Sandbox; release: () => void }> {
  sandbox = await startSandbox({ latency: 'none', products: 200 });
  const reviews = holdFault();
  sandbox.faults.inject('reviews', reviews.fault);
  return { sandbox, release: reviews.release };
}

/** A command on `sandbox`'s upstreams (npm start starts none of its own then). */
async function startOn(
  on: Sandbox,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<Running> {
  const running = await start(command, args, {
    ...on.env(),
    ...TEST_DEFAULTS,
    LOG_LEVEL: 'info',
    PORT: '0',
    PART_TIMEOUT_MS: '20000',
    UPSTREAM_TIMEOUT_MS: '20000',
    ...env,
  });
  started.push(running);
  return running;
}

/** 40 pages sent together; resolves once the sandbox holds all 40 (in flight at the BFF), with their statuses to await later. */
async function fortyHeldPages(
  running: Running,
  on: Sandbox,
): Promise<{ statuses: Promise<(number | 'refused')[]> }> {
  const pages = Array.from({ length: 40 }, (_, i) =>
    statusOf(`${running.url}${pagePath(SKUS[i % SKUS.length] ?? '000123')}`),
  );
  await expect.poll(() => on.calls.inFlight('reviews'), { timeout: 15_000 }).toBe(40);
  return { statuses: Promise.all(pages) };
}

type Answer = { status: number; headers: IncomingHttpHeaders } | { error: string };

/**
 * A GET on a connection of its own (node:http, no agent); resolves once the request has been
 * handed to the operating system (connected, written: the server need not have read it), with
 * its answer to await later.
 */
function sentGet(url: string): Promise<{ answer: Promise<Answer> }> {
  return new Promise((resolveSent, rejectSent) => {
    const request = get(url, { agent: false });
    const answer = new Promise<Answer>((resolve) => {
      request.once('response', (response) => {
        response.resume();
        response.once('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers });
        });
      });
      request.once('error', (error: NodeJS.ErrnoException) => {
        resolve({ error: error.code ?? error.message });
        rejectSent(error);
      });
    });
    request.once('finish', () => {
      resolveSent({ answer });
    });
  });
}

describe('a draining shutdown', () => {
  it('SIGTERM to the server: /readyz 503 at once, all 40 pages in flight answer 200, then the process exits 0', async () => {
    const { sandbox: upstreams, release } = await heldSandbox();
    const running = await startOn(upstreams, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: '1000',
    });
    const pages = await fortyHeldPages(running, upstreams);
    running.child.kill('SIGTERM');
    await expect.poll(() => statusOf(`${running.url}/readyz`), { timeout: 5_000 }).toBe(503);
    // Still held: the 40 were in flight when the signal came, and the shutdown waits for them.
    expect(upstreams.calls.inFlight('reviews')).toBe(40);
    release();
    expect(await pages.statuses).toEqual(fortyTimes(200));
    expect(await running.exited).toBe(0);
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
    expect(running.output()).toContain('"msg":"stopped"');
  }, 30_000);

  it('stops accepting new connections after SHUTDOWN_DELAY_MS while calls in flight finish', async () => {
    const { sandbox: upstreams, release } = await heldSandbox();
    const running = await startOn(upstreams, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: '200',
    });
    const pages = await fortyHeldPages(running, upstreams);
    running.child.kill('SIGTERM');
    await expect
      .poll(() => statusOf(`${running.url}/healthz`), { timeout: 10_000 })
      .toBe('refused');
    expect(upstreams.calls.inFlight('reviews')).toBe(40);
    release();
    expect(await pages.statuses).toEqual(fortyTimes(200));
    expect(await running.exited).toBe(0);
  }, 30_000);

  it('answers the pages that reached the listen backlog while the server could not run, when SHUTDOWN_DELAY_MS ended meanwhile', async () => {
    sandbox = await startSandbox({ latency: 'none', products: 200 });
    // Long enough for this test to see the signal taken and stop the process within it.
    const delayMs = 3_000;
    const running = await startOn(sandbox, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: String(delayMs),
    });
    const signalled = performance.now();
    running.child.kill('SIGTERM');
    await expect.poll(() => running.output(), { timeout: 5_000 }).toContain('shutting down');
    // The process gets no CPU (as on a machine too busy to run it): connections wait in the
    // listen backlog, their requests in the kernel, until it runs again.
    running.child.kill('SIGSTOP');
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sentGet(`${running.url}${pagePath(SKUS[i % SKUS.length] ?? '000123')}`),
      ),
    );
    // The delay ends while it is stopped: when it runs again, closing the listener is due at once.
    const left = signalled + delayMs - performance.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    running.child.kill('SIGCONT');
    const answers = await Promise.all(sent.map(({ answer }) => answer));
    expect(answers.map((answer) => ('status' in answer ? answer.status : answer.error))).toEqual(
      fortyTimes(200),
    );
    // Answered while draining: each connection closes after its answer.
    expect(
      answers.map((answer) => ('headers' in answer ? answer.headers.connection : undefined)),
    ).toEqual(fortyTimes('close'));
    expect(await running.exited).toBe(0);
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
  }, 30_000);

  it('a connection that never sends its request holds the shutdown for HEADERS_TIMEOUT_MS at most (408), then the process exits 0', async () => {
    sandbox = await startSandbox({ latency: 'none', products: 200 });
    const running = await startOn(sandbox, process.execPath, [main], {
      HEADERS_TIMEOUT_MS: '500',
      SHUTDOWN_GRACE_MS: '20000',
    });
    const socket = connect(Number(new URL(running.url).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = once(socket, 'close');
    await once(socket, 'connect');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it('exits 1 when calls are still in flight at the end of SHUTDOWN_GRACE_MS', async () => {
    sandbox = await startSandbox({ latency: 'none', products: 200 });
    const running = await startOn(sandbox, process.execPath, [main], {
      SHUTDOWN_GRACE_MS: '500',
    });
    sandbox.faults.inject('reviews', { kind: 'hang' });
    void statusOf(`${running.url}${pagePath('000123')}`);
    await expect.poll(() => sandbox?.calls.inFlight('reviews') ?? 0).toBe(1);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('grace period');
  }, 30_000);

  it('exits 1 at once on a second signal', async () => {
    sandbox = await startSandbox({ latency: 'none', products: 200 });
    const running = await startOn(sandbox, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: '20000',
    });
    running.child.kill('SIGTERM');
    await expect.poll(() => running.output()).toContain('shutting down');
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(1);
  }, 30_000);

  it('takes the same signal once more as the same one (a Ctrl-C under npm arrives from the terminal and from npm): drains and exits 0; a third time exits 1', async () => {
    sandbox = await startSandbox({ latency: 'none', products: 200 });
    // A delay long enough that the second signal comes while it still runs, however busy the machine.
    const twice = await startOn(sandbox, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: '5000',
    });
    twice.child.kill('SIGINT');
    await expect.poll(() => twice.output()).toContain('shutting down');
    twice.child.kill('SIGINT');
    expect(await twice.exited).toBe(0);
    expect(twice.output()).toContain('same signal again');
    expect(twice.output()).not.toContain('second signal');

    const thrice = await startOn(sandbox, process.execPath, [main], {
      SHUTDOWN_DELAY_MS: '20000',
    });
    // Each signal once the one before has been handled (signals sent at once may arrive as one).
    thrice.child.kill('SIGINT');
    await expect.poll(() => thrice.output()).toContain('shutting down');
    thrice.child.kill('SIGINT');
    await expect.poll(() => thrice.output()).toContain('same signal again');
    thrice.child.kill('SIGINT');
    expect(await thrice.exited).toBe(1);
    expect(thrice.output()).toContain('second signal');
  }, 30_000);

  it('SIGTERM to `npm start` while 40 pages are in flight: all answer 200, /readyz is 503 at once, npm exits 0 and no server is left', async () => {
    // On this process's sandbox (npm start starts none with upstreams set), whose held reviews
    // keep the pages in flight through the signal.
    const { sandbox: upstreams, release } = await heldSandbox();
    const running = await startOn(upstreams, 'npm', ['start', '--silent'], {
      SHUTDOWN_DELAY_MS: '1000',
    });
    const pages = await fortyHeldPages(running, upstreams);
    running.child.kill('SIGTERM');
    await expect.poll(() => statusOf(`${running.url}/readyz`), { timeout: 5_000 }).toBe(503);
    expect(upstreams.calls.inFlight('reviews')).toBe(40);
    release();
    expect(await pages.statuses).toEqual(fortyTimes(200));
    expect(await running.exited).toBe(0);
    expect(await statusOf(`${running.url}/healthz`)).toBe('refused');
    expect(running.output()).toContain('"msg":"stopped"');
  }, 60_000);
});
