import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a browser may send cross-origin. */
const ALLOWED_HEADERS = 'authorization, content-type, trpc-accept, x-request-id';
/** Answer headers a browser script may read. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit, ratelimit-policy';

/**
 * Cross-origin calls from the configured origins only. An allowed origin is echoed (never `*`,
 * and no credentials mode: the token travels in `Authorization`); every answer says it varies by
 * `Origin` so that no shared cache hands one origin's answer to another. Returns true when it
 * answered the request itself (a preflight).
 */
export function createCors(
  origins: readonly string[],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(origins);
  return (req, res) => {
    if (allowed.size === 0 && req.method !== 'OPTIONS') return false;
    const origin = req.headers.origin;
    const ok = origin !== undefined && allowed.has(origin);
    if (allowed.size > 0) res.setHeader('vary', 'Origin');
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return false;
    if (!ok) {
      const body = JSON.stringify({ error: 'origin_not_allowed' });
      res.writeHead(403, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return true;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, PUT',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
      'content-length': 0,
    });
    res.end();
    return true;
  };
}
