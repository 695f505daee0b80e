import type { Server } from 'node:http';
import { afterEach, beforeEach } from 'vitest';
import { createTransport, type Transport } from '../kit/upstream/transport.js';

/**
 * A fresh upstream transport for each test, and the test's HTTP servers closed after it (their
 * connections too): `track` a server as it is started.
 */
export function useServersAndTransport(): {
  transport: () => Transport;
  track: (server: Server) => void;
} {
  const servers: Server[] = [];
  let transport: Transport | undefined;
  beforeEach(() => {
    transport = createTransport();
  });
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => {
              resolve();
            });
          }),
      ),
    );
    await transport?.close();
  });
  return {
    transport: () => {
      if (!transport) throw new Error('no transport outside a test');
      return transport;
    },
    track: (server) => {
      servers.push(server);
    },
  };
}
