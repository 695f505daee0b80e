/**
 * What a piece of work listens to for being stopped, and a light source of it.
 *
 * Every cache load, upstream attempt and part budget of a request needs a signal of its own, about
 * twenty a page. On Node 20 an AbortController costs about 4 µs to make, and its signal outlives
 * the young generation (measured in a loop of a million: a full collection every 50,000 or so,
 * where plain objects need none; Node 24 does not do this). What its listeners hold goes into the
 * old generation with it: a page's worth of closures and undici request state, freed only by full
 * collections. A StopController is a plain object with the same contract, which the young
 * generation frees like any other.
 *
 * Anything that takes a StopSignal takes an AbortSignal too (tRPC's, a test's). undici's
 * `request()` takes a StopSignal as it is (any object with `aborted`, `reason` and
 * `addEventListener`/`removeEventListener`); an API that wants a real AbortSignal (`fetch`,
 * `AbortSignal.any`) must not be given one.
 */
export interface StopSignal {
  readonly aborted: boolean;
  /** Why it aborted; undefined until then. */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * An AbortController and its signal in one plain object. As with an AbortSignal: listeners hear
 * the abort once, in the order they were added; one removed while others are being told is not
 * told; one added after the abort is never called; a second abort changes nothing; and a listener
 * that throws does not stop the others (its error is thrown again on its own, as an uncaught
 * exception, as Node's EventTarget does).
 */
export class StopController implements StopSignal {
  #aborted = false;
  #reason: unknown = undefined;
  /** Usually one or two: an array, with removed places left empty until the abort. */
  #listeners: ((() => void) | undefined)[] | undefined;

  get signal(): StopSignal {
    return this;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** How many listeners are waiting for the abort (for tests of who stops listening). */
  get listenerCount(): number {
    return this.#listeners?.filter((listener) => listener !== undefined).length ?? 0;
  }

  addEventListener(type: 'abort', listener: () => void): void {
    if (this.#aborted || (type as string) !== 'abort') return;
    const listeners = (this.#listeners ??= []);
    // An AbortSignal adds a listener once, however often it is added.
    if (!listeners.includes(listener)) listeners.push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    if (!listeners || (type as string) !== 'abort') return;
    const at = listeners.indexOf(listener);
    if (at === -1) return;
    if (at === listeners.length - 1) listeners.pop();
    else listeners[at] = undefined;
  }

  /** Aborts with `reason` (an AbortError DOMException, as AbortController's, when none is given). */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    if (!listeners) return;
    // Left in place while they are told, so that one may remove another not yet told.
    for (let i = 0; i < listeners.length; i += 1) {
      const listener = listeners[i];
      if (listener === undefined) continue;
      listeners[i] = undefined;
      try {
        listener();
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
    this.#listeners = undefined;
  }
}
