import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FIRST_GENERATED_SKU } from '@storefront/sandbox';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBff, type Bff } from './helpers/bff.js';
import { SHIP_TO } from './helpers/cache.js';
import { newReference } from './helpers/shopper.js';
import { rawRequest } from './helpers/wire.js';

// What Redocly's recommended rules ask of the document beyond the OpenAPI schema (which
// rest.test.ts validates it against): servers, a license, security on every operation, unique
// operationIds, a 4xx answer each. Asserted here rather than by running Redocly's CLI in CI.

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

interface Document {
  info: { version: string; license?: { name: string; identifier?: string; url?: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

const manifest = (path: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as {
    version: string;
    license?: string;
  };

/** The bodies of the routes that take one: valid, so that only sign-in can refuse them. */
const BODIES: Record<string, () => unknown> = {
  setCartItem: () => ({ quantity: 1 }),
  placeOrder: () => ({ shipTo: SHIP_TO, clientReference: newReference() }),
};

/** GET /openapi.json with the given headers, as bytes (node:http: fetch does not send `Host`). */
function documentText(bff: Bff, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${bff.url}/openapi.json`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve(text);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the OpenAPI document served at /openapi.json', () => {
  const bff = useBff();
  let document: Document;
  let operations: { method: string; path: string; operation: Operation }[];

  beforeAll(async () => {
    const answer = await rawRequest(bff(), '/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body as Document;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
    );
  });

  it("has the client package's version and license", () => {
    const client = manifest('../client/package.json');
    expect(document.info.version, 'API_VERSION in server/src/http/rest/openapi.ts').toBe(
      client.version,
    );
    // The repository declares no license: npm's UNLICENSED until client/package.json names one.
    expect(document.info.license).toEqual({ name: client.license ?? 'UNLICENSED' });
  });

  it('names its server relative to where it is fetched, whatever Host and X-Forwarded-* say', async () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) as string }]);
    const plain = await documentText(bff(), {});
    const hostile = await documentText(bff(), {
      host: 'attacker.example',
      'x-forwarded-host': 'attacker.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-prefix': '/evil',
      forwarded: 'host=attacker.example;proto=http',
    });
    expect(hostile).toBe(plain);
    expect(plain).not.toContain('attacker.example');
  });

  it('gives each operation a unique operationId, a summary, a tag and a 4xx answer', () => {
    expect(operations).toHaveLength(8);
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, operation } of operations) {
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
      expect(operation.tags?.length, `${method} ${path}`).toBe(1);
      expect(Object.keys(operation.responses).some((status) => /^4\d\d$/.test(status))).toBe(true);
    }
  });

  it('says on every operation what sign-in it needs: the bearer token exactly where an answer without one is 401', async () => {
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as object,
    });
    const signedIn: string[] = [];
    for (const { method, path, operation } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      expect(operation.security, name).toBeDefined();
      const needsToken = (operation.security ?? []).length > 0;
      if (needsToken) expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
      else expect(operation.security, name).toEqual([]);
      const body = operation.requestBody ? BODIES[operation.operationId ?? '']?.() : undefined;
      if (operation.requestBody) expect(body, `a body for ${name}`).toBeDefined();
      const answer = await rawRequest(
        bff(),
        path.replaceAll(/\{[^}]+\}/g, String(FIRST_GENERATED_SKU)),
        {
          method: method.toUpperCase(),
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        },
      );
      // Without a token: a public route answers, a signed-in one is refused before it runs.
      expect(answer.status, `${name}: ${answer.text}`).toBe(needsToken ? 401 : 200);
      if (needsToken) signedIn.push(name);
    }
    expect(signedIn).toHaveLength(5);
  });
});
