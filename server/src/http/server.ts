import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config.js';

/** The largest request head (request line and headers): beyond it Node answers 431. */
export const MAX_HEADER_BYTES = 16_384;

/**
 * The node:http server of the BFF, with its limits on what clients send: a request head of at
 * most 16 KiB (431), headers complete within HEADERS_TIMEOUT_MS and the whole request within
 * REQUEST_TIMEOUT_MS (else the connection is closed), idle keep-alive connections closed after
 * KEEP_ALIVE_TIMEOUT_MS. Node checks the two timeouts every `connectionsCheckingInterval` (30 s by
 * default): once a second here, so that each holds within about a second. It does not listen.
 */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  config: Pick<Config, 'HEADERS_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS' | 'KEEP_ALIVE_TIMEOUT_MS'>,
): Server {
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: 1_000,
    },
    handler,
  );
  server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  return server;
}
