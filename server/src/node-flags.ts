import { cacheMaxBytesOf } from './config.js';
import { loadDotEnv } from './dotenv.js';
import { heapFlags } from './heap.js';

/**
 * Prints the Node flags the server is to start with, chosen from CACHE_MAX_BYTES (heap.ts), for a
 * start command: `node $(node server/dist/node-flags.js) server/dist/main.js`. It reads .env as
 * main.ts does; with an invalid CACHE_MAX_BYTES it prints nothing (the server then says what is
 * wrong).
 */
loadDotEnv();
const cacheMaxBytes = cacheMaxBytesOf(process.env);
process.stdout.write(cacheMaxBytes === undefined ? '' : heapFlags(cacheMaxBytes).join(' '));
