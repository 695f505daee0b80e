/**
 * The part of autocannon 8 the bench uses. @types/autocannon describes v7 and gets the instance's
 * 'response' event wrong (the client comes first), so the bench declares its own. autocannon is
 * CommonJS: imported from ESM, its default export is module.exports, the function.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    setupRequest?: (request: AutocannonRequest, context: object) => AutocannonRequest;
    /** Called with each response's whole body (autocannon collects it anyway). */
    onResponse?: (
      status: number,
      body: string,
      context: object,
      headers: Record<string, string | string[]>,
    ) => void;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    headers?: Record<string, string>;
    requests?: AutocannonRequest[];
    /** Seconds a request may take. */
    timeout?: number;
  }

  export interface AutocannonResult {
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    requests: { total: number; sent: number };
  }

  export interface AutocannonInstance extends EventEmitter {
    on(
      event: 'response',
      listener: (
        client: unknown,
        statusCode: number,
        resBytes: number,
        responseTimeMs: number,
      ) => void,
    ): this;
    stop(): void;
  }

  // eslint-disable-next-line no-restricted-syntax -- the shape of a CommonJS module whose module.exports is a function
  export default function autocannon(
    options: AutocannonOptions,
    callback: (error: Error | null, result: AutocannonResult) => void,
  ): AutocannonInstance;
}
