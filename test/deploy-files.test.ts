import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '@storefront/sandbox';
import { loadConfig, UPSTREAM_KEY_VARIABLES } from '@storefront/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, startProcess } from './helpers/processes.js';
import { freePort } from './helpers/redis.js';

// What deploy/ ships. No container runtime runs here, so the image is tested through what it
// runs: deploy/assemble.sh builds the directory the Dockerfile copies into the image, and the
// Dockerfile's own ENV, CMD and HEALTHCHECK lines are run on it. The compose and Kubernetes files
// are read and checked against the BFF's configuration and against each other's timings.

const execFileAsync = promisify(execFile);
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const DOCKERFILE = read('deploy/Dockerfile');

/** The JSON array of a Dockerfile instruction in exec form (`CMD [...]`), continuation lines joined. */
function execForm(instruction: 'CMD' | 'HEALTHCHECK'): string[] {
  const joined = DOCKERFILE.replace(/\\\n\s*/g, ' ');
  const line = joined.split('\n').find((each) => each.startsWith(`${instruction} `)) ?? '';
  const json = /\[.*\]\s*$/.exec(line)?.[0];
  if (!json) throw new Error(`deploy/Dockerfile has no ${instruction} in exec form`);
  return JSON.parse(json) as string[];
}

/** The variables the runtime stage's ENV sets (`ENV A=1 \ B=2`). */
function imageEnv(): Record<string, string> {
  const joined = DOCKERFILE.replace(/\\\n\s*/g, ' ');
  const lines = joined.split('\n').filter((line) => line.startsWith('ENV '));
  return Object.fromEntries(
    lines.flatMap((line) =>
      line
        .slice('ENV '.length)
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  );
}

/** Every variable README's Configuration table names. */
function documentedVariables(): Set<string> {
  const readme = read('README.md');
  const table = readme.slice(readme.indexOf('## Configuration'));
  return new Set(
    [...table.matchAll(/^\|([^|]*)\|/gm)].flatMap((row) =>
      [...(row[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((name) => name[1] ?? ''),
    ),
  );
}

/** A complete configuration's secrets, as the Secret or .env gives them (values do not matter). */
const KEYS = Object.fromEntries(UPSTREAM_KEY_VARIABLES.map((name) => [name, 'k']));

describe('the image (deploy/Dockerfile), run as it runs in a container', () => {
  let sandbox: Sandbox | undefined;
  let app = '';
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 50 });
    app = mkdtempSync(join(tmpdir(), 'storefront-image-'));
    await execFileAsync('sh', [join(ROOT, 'deploy', 'assemble.sh'), app]);
  }, 180_000);
  afterAll(async () => {
    await sandbox?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('holds the built server and its production dependencies only: no sources, tests, sandbox, dev tools or .env', () => {
    expect(existsSync(join(app, 'server/dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@storefront/shared/dist/index.js'))).toBe(true);
    for (const absent of [
      'server/src',
      'shared/src',
      'sandbox',
      'client',
      'test',
      '.env',
      'node_modules/@storefront/sandbox',
      'node_modules/vitest',
      'node_modules/turbo',
      'node_modules/eslint',
      'node_modules/fast-check',
    ])
      expect(existsSync(join(app, absent)), absent).toBe(false);
  });

  it('starts with its CMD and ENV on HOST 0.0.0.0, passes its HEALTHCHECK, serves a page and exits 0 on SIGTERM', async () => {
    if (!sandbox) throw new Error('no sandbox');
    const env = {
      ...sandbox.env({ erp: 'v1' }),
      ...imageEnv(),
      PORT: String(await freePort()),
    };
    expect(imageEnv()).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    const [command = '', ...args] = execForm('CMD');
    const running = await startProcess(command, args, env, app);
    try {
      expect(running.url).toBe(`http://0.0.0.0:${env.PORT}`);
      const local = `http://127.0.0.1:${env.PORT}`;
      // V8's flags from node-flags.js reached node (the shell execs it: it gets the signals too).
      const [healthCommand = '', ...healthArgs] = execForm('HEALTHCHECK');
      const health = spawn(healthCommand, healthArgs, {
        cwd: app,
        env: { ...env, PATH: process.env.PATH ?? '' },
      });
      expect(await new Promise((resolve) => health.once('exit', resolve))).toBe(0);
      expect((await fetch(`${local}/readyz`)).status).toBe(200);
      const page = await fetch(`${local}/api/v1/products/000123`);
      expect(page.status).toBe(200);
      expect(((await page.json()) as { product: { sku: string } }).product.sku).toBe('000123');
      expect(readFileSync(`/proc/${String(running.child.pid)}/cmdline`, 'utf8')).toContain(
        '--no-allocation-site-pretenuring',
      );
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exited, running.output()).toBe(0);
  }, 60_000);
});

interface Probe {
  httpGet: { path: string };
  periodSeconds: number;
  failureThreshold: number;
}
interface Manifest {
  kind: string;
  data?: Record<string, string>;
  spec?: {
    minAvailable?: number;
    template?: {
      spec: {
        terminationGracePeriodSeconds: number;
        containers: {
          env: { name: string; value: string }[];
          readinessProbe: Probe;
          livenessProbe: Probe;
        }[];
      };
    };
  };
}
interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  stop_grace_period?: string;
  volumes?: string[];
  networks?: { storefront?: { ipv4_address?: string } } | string[];
}

describe('deploy/compose.yaml and deploy/kubernetes', () => {
  const compose = parse(read('deploy/compose.yaml')) as {
    services: Record<string, ComposeService>;
  };
  const manifests = ['configmap', 'deployment', 'service', 'poddisruptionbudget'].flatMap((name) =>
    parseAllDocuments(read(`deploy/kubernetes/${name}.yaml`)).map((doc) => doc.toJS() as Manifest),
  );
  const byKind = (kind: string): Manifest => {
    const found = manifests.find((manifest) => manifest.kind === kind);
    if (!found) throw new Error(`no ${kind} in deploy/kubernetes`);
    return found;
  };
  const configMap = (): Record<string, string> => byKind('ConfigMap').data ?? {};
  const pod = () => {
    const spec = byKind('Deployment').spec?.template?.spec;
    const container = spec?.containers[0];
    if (!spec || !container) throw new Error('the Deployment has no container');
    return { spec, container };
  };
  const seconds = (text: string): number => Number(/^(\d+)s$/.exec(text)?.[1]);

  it('sets only variables the README documents, and each set is a valid configuration', () => {
    const documented = documentedVariables();
    const settings = configMap();
    const podEnv = Object.fromEntries(pod().container.env.map(({ name, value }) => [name, value]));
    const bff = compose.services.bff1?.environment ?? {};
    for (const name of [...Object.keys(settings), ...Object.keys(podEnv), ...Object.keys(bff)])
      expect(documented, name).toContain(name);

    const kubernetes = loadConfig({ ...settings, ...KEYS, ...podEnv });
    expect(kubernetes.ok ? [] : kubernetes.errors).toEqual([]);
    // Compose takes the upstreams and the identity provider from .env: the ConfigMap's stand for them.
    const composed = loadConfig({ ...settings, ...KEYS, ...imageEnv(), ...bff });
    expect(composed.ok ? [] : composed.errors).toEqual([]);
  });

  it('gives every instance time to drain: the stop grace is above the delay and grace it shuts down in, and the delay above the readiness checks that take it out', () => {
    const { spec, container } = pod();
    const readiness = container.readinessProbe;
    const delayMs = Number(configMap().SHUTDOWN_DELAY_MS);
    expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      delayMs + Number(configMap().SHUTDOWN_GRACE_MS),
    );
    // Out of rotation (failed checks, one period of being unlucky) before the listener closes.
    expect(delayMs).toBeGreaterThan(
      (readiness.failureThreshold + 1) * readiness.periodSeconds * 1000,
    );
    expect(readiness.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(byKind('PodDisruptionBudget').spec?.minAvailable).toBe(1);

    const haproxy = read('deploy/haproxy.cfg');
    const inter = Number(/inter (\d+)s/.exec(haproxy)?.[1]);
    const fall = Number(/fall (\d+)/.exec(haproxy)?.[1]);
    for (const name of ['bff1', 'bff2']) {
      const service = compose.services[name];
      const env = service?.environment ?? {};
      expect(Number(env.SHUTDOWN_DELAY_MS)).toBeGreaterThan((fall + 1) * inter * 1000);
      expect(seconds(service?.stop_grace_period ?? '') * 1000).toBeGreaterThan(
        Number(env.SHUTDOWN_DELAY_MS) + Number(env.SHUTDOWN_GRACE_MS),
      );
    }
  });

  it("runs deploy/haproxy.cfg, and believes X-Forwarded-For from HAProxy's address only", () => {
    const haproxy = compose.services.haproxy;
    expect(haproxy?.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const networks = haproxy?.networks;
    const address = Array.isArray(networks) ? undefined : networks?.storefront?.ipv4_address;
    expect(address).toBeDefined();
    expect(compose.services.bff1?.environment?.TRUSTED_PROXIES).toBe(address);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
  });
});
