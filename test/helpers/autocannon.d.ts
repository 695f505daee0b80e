/**
 * The part of autocannon 8 the deployment test uses (the bench declares its own part: @types/autocannon
 * describes v7). autocannon is CommonJS: imported from ESM, its default export is the function.
 */
declare module 'autocannon' {
  export interface LoadRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    setupRequest?: (request: LoadRequest, context: object) => LoadRequest;
  }

  export interface LoadOptions {
    url: string;
    connections: number;
    /** Requests per second over all connections. */
    overallRate?: number;
    /** Seconds; the load also ends when stop() is called. */
    duration?: number;
    /** Seconds a request may take before it counts as a timeout. */
    timeout?: number;
    requests?: LoadRequest[];
  }

  export interface LoadSummary {
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    requests: { total: number; sent: number };
  }

  export interface LoadInstance {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void,
    ): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
    stop(): void;
  }

  // eslint-disable-next-line no-restricted-syntax -- a CommonJS module whose module.exports is a function
  export default function autocannon(
    options: LoadOptions,
    callback: (error: Error | null, result: LoadSummary) => void,
  ): LoadInstance;
}
