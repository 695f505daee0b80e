import { createRouter, type Route } from './router.js';
import { json, type ServiceDefinition, type ServiceName } from './types.js';

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'version_conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal',
  502: 'bad_gateway',
  503: 'unavailable',
  504: 'gateway_timeout',
};

/** A JSON service of docs/upstreams.md: routes, `X-Api-Key`, `{"error": …}` bodies. */
export function createJsonService(
  name: ServiceName,
  apiKey: string | undefined,
  routes: readonly Route[],
): ServiceDefinition {
  const router = createRouter(routes);
  return {
    name,
    ...(apiKey === undefined ? {} : { apiKey }),
    operationOf(request) {
      const match = router.match(request);
      return match && 'route' in match ? match.route.operation : 'unknown';
    },
    handle(request) {
      const match = router.match(request);
      if (!match) return json(404, { error: 'not_found' });
      if ('methodNotAllowed' in match) return json(405, { error: 'method_not_allowed' });
      return match.route.handle(request, match.params);
    },
    errorResponse: (status) => json(status, { error: ERROR_CODES[status] ?? 'error' }),
  };
}

/** Reads an integer query parameter within bounds; undefined when absent, null when invalid. */
export function intParam(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | null | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,6}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

export const SKU_PATTERN = /^[0-9A-Za-z-]{1,32}$/;
