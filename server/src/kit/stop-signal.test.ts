import { createServer, type RequestListener, type Server } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { StopController } from './stop-signal.js';
import { createTransport } from './upstream/transport.js';

describe('StopController', () => {
  it('tells each listener once, in the order they were added, with the reason set', () => {
    const controller = new StopController();
    const heard: string[] = [];
    const reason = new Error('budget spent');
    controller.signal.addEventListener('abort', () => heard.push(`a:${String(controller.reason)}`));
    controller.signal.addEventListener('abort', () => heard.push('b'), { once: true });
    expect(controller.signal.aborted).toBe(false);
    controller.abort(reason);
    controller.abort(new Error('again'));
    expect(heard).toEqual(['a:Error: budget spent', 'b']);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(reason);
  });

  it("aborts with an AbortError DOMException when given no reason, as AbortController's", () => {
    const controller = new StopController();
    controller.abort();
    expect(controller.reason).toBeInstanceOf(DOMException);
    expect(controller.reason).toMatchObject({ name: 'AbortError' });
  });

  it('adds a listener once however often it is added, and never tells one that was removed', () => {
    const controller = new StopController();
    let told = 0;
    let removedTold = 0;
    const listener = (): void => {
      told += 1;
    };
    const removed = (): void => {
      removedTold += 1;
    };
    controller.addEventListener('abort', listener);
    controller.addEventListener('abort', listener);
    controller.addEventListener('abort', removed);
    controller.removeEventListener('abort', removed);
    expect(controller.listenerCount).toBe(1);
    controller.abort();
    expect(told).toBe(1);
    expect(removedTold).toBe(0);
    expect(controller.listenerCount).toBe(0);
  });

  it('does not tell a listener that an earlier one removed during the abort, nor one added after it', () => {
    const controller = new StopController();
    const heard: string[] = [];
    const second = (): void => {
      heard.push('second');
    };
    const third = (): void => {
      heard.push('third');
    };
    controller.addEventListener('abort', () => {
      heard.push('first');
      controller.removeEventListener('abort', second);
      controller.addEventListener('abort', () => heard.push('added during'));
    });
    controller.addEventListener('abort', second);
    controller.addEventListener('abort', third);
    controller.abort();
    controller.addEventListener('abort', () => heard.push('added after'));
    expect(heard).toEqual(['first', 'third']);
  });

  it('tells the other listeners when one throws, and throws its error again on its own', async () => {
    const controller = new StopController();
    const broken = new Error('a broken listener');
    let toldAfter = false;
    const uncaught = new Promise<unknown>((resolve) => {
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (error) => {
        for (const listener of listeners) process.on('uncaughtException', listener);
        resolve(error);
      });
    });
    controller.addEventListener('abort', () => {
      throw broken;
    });
    controller.addEventListener('abort', () => {
      toldAfter = true;
    });
    controller.abort();
    expect(toldAfter).toBe(true);
    expect(await uncaught).toBe(broken);
  });
});

describe('a StopSignal given to the upstream transport (undici)', () => {
  let server: Server | undefined;
  /** Starts `server` on port 0 with `handler`; its base URL. */
  const listen = async (handler: RequestListener): Promise<string> => {
    server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${String(address.port)}`;
  };
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    if (server) await once(server, 'close');
    server = undefined;
  });

  it('ends a call that is waiting for its answer, with the reason it was aborted with', async () => {
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // Answers nothing: the call waits until it is stopped.
    const base = await listen(() => {
      arrived();
    });
    const transport = createTransport();
    try {
      const controller = new StopController();
      const call = transport.send({
        url: `${base}/slow`,
        method: 'GET',
        headers: {},
        signal: controller.signal,
        maxBytes: 1_000,
      });
      await requestArrived;
      const reason = new Error('the part ran out of time');
      controller.abort(reason);
      await expect(call).rejects.toBe(reason);
      expect(controller.listenerCount).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('stops listening once the answer has arrived', async () => {
    const base = await listen((_req, res) => {
      res.end('fine');
    });
    const transport = createTransport();
    try {
      const controller = new StopController();
      const answer = await transport.send({
        url: `${base}/`,
        method: 'GET',
        headers: {},
        signal: controller.signal,
        maxBytes: 1_000,
      });
      expect(answer.text).toBe('fine');
      expect(controller.listenerCount).toBe(0);
    } finally {
      await transport.close();
    }
  });
});
