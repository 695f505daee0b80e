import type { SandboxRequest, SandboxResponse } from './types.js';

export type Params = Record<string, string>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Like `/users/:userId/orders`; each `:name` matches one path segment, percent-decoded. */
  pattern: string;
  operation: string;
  handle(request: SandboxRequest, params: Params): SandboxResponse | Promise<SandboxResponse>;
}

export interface Router {
  /** The matching route and its parameters; undefined when no path matches. */
  match(
    request: SandboxRequest,
  ): { route: Route; params: Params } | { methodNotAllowed: true } | undefined;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map((route) => ({
    route,
    segments: route.pattern.split('/').filter(Boolean),
  }));
  return {
    match(request) {
      const segments = request.path.split('/').filter(Boolean);
      let pathMatched = false;
      for (const { route, segments: pattern } of compiled) {
        if (pattern.length !== segments.length) continue;
        const params: Params = {};
        let ok = true;
        for (let i = 0; i < pattern.length && ok; i++) {
          const expected = pattern[i] ?? '';
          const actual = segments[i] ?? '';
          if (expected.startsWith(':')) {
            try {
              params[expected.slice(1)] = decodeURIComponent(actual);
            } catch {
              ok = false;
            }
          } else ok = expected === actual;
        }
        if (!ok) continue;
        pathMatched = true;
        if (route.method === request.method) return { route, params };
      }
      return pathMatched ? { methodNotAllowed: true } : undefined;
    },
  };
}
