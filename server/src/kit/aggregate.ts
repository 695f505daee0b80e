import { createDeadline } from './deadline.js';
import { StopController, type StopSignal } from './stop-signal.js';
import type { CallOptions, RequestScope } from './upstream/upstream.js';

/**
 * Fan-out with budgets: named parts, each required or optional, a time budget per part and a
 * deadline for the whole call. Each part gets the CallOptions of its upstream calls: the request's
 * scope, and a signal that fires when its budget runs out, when a required part fails, at the
 * deadline, or when the caller's signal fires (a client that went away), so abandoned upstream
 * calls are cancelled rather than left running.
 */

/** A part that ran past its budget, or was cut by the deadline. */
export class PartTimeoutError extends Error {
  override readonly name = 'PartTimeoutError';
  constructor(readonly part: string) {
    super(`part ${part} ran out of time`);
  }
}

/** The whole call was abandoned by its caller (the client disconnected). */
export class AggregateAbortedError extends Error {
  override readonly name = 'AggregateAbortedError';
}

interface PartSpec<T, R extends boolean> {
  readonly required: R;
  readonly budgetMs: number;
  readonly run: (call: CallOptions) => Promise<T>;
}

export type RequiredPart<T> = PartSpec<T, true>;
export type OptionalPart<T> = PartSpec<T, false>;
type AnyPart = PartSpec<unknown, boolean>;

/** A part whose failure fails the call. */
export const required = <T>(
  budgetMs: number,
  run: (call: CallOptions) => Promise<T>,
): RequiredPart<T> => ({ required: true, budgetMs, run });
/** A part whose failure leaves it out: its result says so. */
export const optional = <T>(
  budgetMs: number,
  run: (call: CallOptions) => Promise<T>,
): OptionalPart<T> => ({ required: false, budgetMs, run });

export type PartResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export type AggregateResults<P extends Record<string, AnyPart>> = {
  [K in keyof P]: P[K] extends RequiredPart<infer T>
    ? T
    : P[K] extends OptionalPart<infer T>
      ? PartResult<T>
      : never;
};

export interface AggregateOptions {
  /** The caller's signal (tRPC's, which fires when the client disconnects). */
  signal?: StopSignal | undefined;
  /** The request the parts' upstream calls serve. */
  scope?: RequestScope | undefined;
  /** A bound for the whole call, on top of each part's budget. */
  deadlineMs?: number;
}

/** Runs every part at once; resolves when all have settled, rejects as soon as a required part fails. */
export async function aggregate<P extends Record<string, AnyPart>>(
  parts: P,
  options: AggregateOptions = {},
): Promise<AggregateResults<P>> {
  const call = new StopController();
  const cleanups: (() => void)[] = [];
  const onParentAbort = (): void => {
    call.abort(new AggregateAbortedError('the caller went away'));
  };
  if (options.signal) {
    if (options.signal.aborted) throw new AggregateAbortedError('the caller went away');
    options.signal.addEventListener('abort', onParentAbort, { once: true });
    cleanups.push(() => {
      options.signal?.removeEventListener('abort', onParentAbort);
    });
  }
  if (options.deadlineMs !== undefined) {
    const timer = setTimeout(() => {
      call.abort(new PartTimeoutError('deadline'));
    }, options.deadlineMs);
    cleanups.push(() => {
      clearTimeout(timer);
    });
  }

  // One signal per distinct budget, not one per part: parts with the same budget share a
  // controller and a timer (a page has eight parts).
  const budgets = new Map<number, Budget>();
  const budgetOf = (ms: number): Budget => {
    let budget = budgets.get(ms);
    if (!budget) {
      budget = startBudget(ms, call.signal, options.scope);
      budgets.set(ms, budget);
      cleanups.push(budget.stop);
    }
    return budget;
  };

  const runPart = (name: string, part: AnyPart): Promise<unknown> => {
    const budget = budgetOf(part.budgetMs);
    // A part that ignores its signal still cannot hold the call past its budget.
    return Promise.race([part.run(budget.call), budget.aborted]).catch((error: unknown) => {
      throw error instanceof PartTimeoutError ? new PartTimeoutError(name) : error;
    });
  };

  const names = Object.keys(parts);
  try {
    const settled = await Promise.all(
      names.map(async (name) => {
        const part = parts[name];
        if (!part) throw new Error(`no part ${name}`);
        try {
          const value = await runPart(name, part);
          return part.required ? value : { ok: true, value };
        } catch (error) {
          // The caller went away: the call fails as a whole, optional parts or not.
          if (call.signal.reason instanceof AggregateAbortedError) throw call.signal.reason;
          if (part.required) {
            // One required part failed: the others are abandoned, not left running.
            call.abort(error);
            throw error;
          }
          options.scope?.onPartFailed?.(name, error);
          return { ok: false, error };
        }
      }),
    );
    return Object.fromEntries(names.map((name, i) => [name, settled[i]])) as AggregateResults<P>;
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

interface Budget {
  /** What the parts on this budget make their upstream calls with. */
  readonly call: CallOptions;
  /** Rejects with the signal's reason when it aborts (never resolves). */
  readonly aborted: Promise<never>;
  stop: () => void;
}

/** A signal that aborts after `ms`, or with the call's reason when the call aborts first. */
function startBudget(ms: number, call: StopSignal, scope: RequestScope | undefined): Budget {
  const budget = createDeadline(call, {
    timeoutMs: ms,
    timeoutReason: () => new PartTimeoutError(`budget of ${String(ms)} ms`),
  });
  const { signal } = budget;
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        const reason = signal.reason as Error;
        reject(reason);
      },
      { once: true },
    );
  });
  // Nobody may be racing it any more when it fires.
  aborted.catch(() => undefined);
  return {
    call: { signal, scope, deadlineAt: performance.now() + ms },
    aborted,
    stop: budget.stop,
  };
}
