/** Whether a promise has settled yet, without waiting for it (for unit tests). */
export function tracked<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  return { settled: () => settled, promise: watched };
}

// Captured when this module loads, before any fake timers replace it.
const realSetImmediate = setImmediate;

/** Lets every pending promise callback and microtask run, under fake timers too. */
export const flush = (): Promise<void> =>
  new Promise((resolve) => {
    realSetImmediate(resolve);
  });
