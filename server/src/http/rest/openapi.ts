import { APP_ERROR_CODES } from '@storefront/shared';
import type { JsonSchema } from '../../contract/snapshot.js';
import type { AppRouter } from '../../router.js';
import { parametersOf, ROUTES, type Route } from './routes.js';
import { schemasOf } from './schemas.js';

/** Errors any route may answer: bad input, rate limited, and the upstream and overload ones. */
const COMMON_ERRORS = [400, 429, 502, 503, 504];
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The input fails its schema, an unknown currency, or an app-level refusal (appCode)',
  401: 'No valid bearer token',
  404: 'No such thing (appCode says what)',
  409: 'A conflict (appCode says which; OUT_OF_STOCK and PRODUCT_NOT_FOUND name the sku)',
  413: 'The body is larger than the server accepts',
  415: 'The body is not JSON',
  429: 'Too many requests from this client (appCode RATE_LIMITED, retryAfterSeconds)',
  502: 'A required upstream failed (UPSTREAM_UNAVAILABLE)',
  503: 'A required upstream is switched off, or the BFF is saturated (OVERLOADED)',
  504: 'A required upstream did not answer in time (UPSTREAM_UNAVAILABLE)',
};

const header = (description: string, schema: JsonSchema = { type: 'string' }): JsonSchema => ({
  description,
  schema,
});

const ANSWER_HEADERS = {
  'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
  'Cache-Control': { $ref: '#/components/headers/Cache-Control' },
};

/** `product.page` → `ProductPage`. */
const schemaName = (procedure: string): string =>
  procedure
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The document's version: the client package's (client/package.json), the version consumers know
 * the API by, which the contract check says when to bump. A deployed server has no client/ to read
 * it from, so it is written here; test/openapi.test.ts fails when the two differ.
 */
const API_VERSION = '0.2.0';

/**
 * The repository grants no license (no LICENSE file, no `license` in any package.json): npm's
 * word for that state.
 */
const LICENSE = { name: 'UNLICENSED' };

function operationOf(
  router: AppRouter,
  route: Route,
  schemas: Record<string, JsonSchema>,
): JsonSchema {
  const { input, output } = schemasOf(router, route.procedure);
  const name = schemaName(route.procedure);
  schemas[name] = output;
  const inPath = new Set(parametersOf(route.path));
  const inBody = new Set(route.body ?? []);
  const parameters = Object.entries(input.properties)
    .filter(([field]) => !inBody.has(field))
    .map(([field, schema]) => ({
      name: field,
      in: inPath.has(field) ? 'path' : 'query',
      required: inPath.has(field) || input.required.includes(field),
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      schema,
    }));
  const operation: JsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    description: `Stands for the tRPC procedure \`${route.procedure}\`: the same input, answer, errors, limits and caching headers.`,
    tags: [route.signedIn ? 'signed in' : 'public'],
    // A signed-in route needs the bearer token; a public one needs nothing (and says so).
    security: route.signedIn ? [{ bearerAuth: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: {
      '200': {
        description: `The answer of \`${route.procedure}\` (dates as ISO 8601 strings)`,
        headers: {
          ...ANSWER_HEADERS,
          'Server-Timing': { $ref: '#/components/headers/Server-Timing' },
        },
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
      },
      ...Object.fromEntries(
        [
          ...COMMON_ERRORS,
          ...route.errors,
          ...(route.signedIn ? [401] : []),
          ...(route.body ? [413, 415] : []),
        ]
          .sort((a, b) => a - b)
          .map((status) => [
            String(status),
            status === 429
              ? { $ref: '#/components/responses/RateLimited' }
              : {
                  description: ERROR_DESCRIPTIONS[status] ?? 'An error',
                  headers: ANSWER_HEADERS,
                  content: {
                    'application/json': { schema: { $ref: '#/components/schemas/Error' } },
                  },
                },
          ]),
      ),
    },
  };
  if (route.body) {
    const properties = Object.fromEntries(
      Object.entries(input.properties).filter(([field]) => inBody.has(field)),
    );
    operation.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties,
            required: input.required.filter((field) => inBody.has(field)),
            additionalProperties: false,
          },
        },
      },
    };
  }
  return operation;
}

/**
 * The REST face as an OpenAPI 3.1 document, generated from the procedures' zod schemas (zod 4's
 * JSON Schema, as in the contract snapshot) and the route table.
 */
export function openApiDocument(router: AppRouter): JsonSchema {
  const schemas: Record<string, JsonSchema> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'appCode', 'message'],
          properties: {
            code: {
              type: 'string',
              description: "tRPC's error code: BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, …",
            },
            appCode: {
              anyOf: [{ type: 'string', enum: [...APP_ERROR_CODES] }, { type: 'null' }],
              description: 'What went wrong, for a program to act on; null when the code says it',
            },
            message: { type: 'string', description: 'One sentence for a developer' },
            sku: { type: 'string', description: 'OUT_OF_STOCK and PRODUCT_NOT_FOUND at an order' },
            retryAfterSeconds: { type: 'integer', description: 'RATE_LIMITED' },
            issues: {
              type: 'array',
              description: 'A validation failure, field by field',
              items: {
                type: 'object',
                required: ['path', 'code', 'message'],
                properties: {
                  path: { type: 'array', items: { type: 'string' } },
                  code: { type: 'string' },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operationOf(router, route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Storefront BFF REST API',
      version: API_VERSION,
      license: LICENSE,
      description:
        'The storefront BFF for consumers that are not TypeScript: each route stands for a tRPC procedure and answers what it answers, as plain JSON (dates as ISO 8601 strings). Errors are `{ "error": { "code", "appCode", "message" } }` at the HTTP status of the tRPC error.',
    },
    // Relative: where this document is fetched from. Derived from Host or X-Forwarded-* instead, it
    // would put a caller's header into an answer that shared caches keep (public, max-age=300).
    servers: [{ url: '/', description: 'The host that serves this document' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A token from the storefront's identity provider",
        },
      },
      headers: {
        'X-Request-Id': header("The caller's request id when it was valid, else a new one"),
        'Cache-Control': header(
          '`public, max-age=N, …` for a public answer with nothing degraded; otherwise `private, no-store`',
        ),
        'Server-Timing': header('Time per upstream called and the cache outcome'),
        'Retry-After': header('Seconds before the client may call again', { type: 'integer' }),
        RateLimit: header('The IETF rate-limit fields draft: what is left of the limit'),
        'RateLimit-Policy': header('The IETF rate-limit fields draft: the limit'),
      },
      responses: {
        RateLimited: {
          description: ERROR_DESCRIPTIONS[429],
          headers: {
            ...ANSWER_HEADERS,
            'Retry-After': { $ref: '#/components/headers/Retry-After' },
            RateLimit: { $ref: '#/components/headers/RateLimit' },
            'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
          },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
