import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from './deadline.js';
import { isTimeoutReason } from './upstream/upstream.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createDeadline', () => {
  it("aborts with the caller's reason when the caller's signal aborts first, and clears its timer", () => {
    const caller = new AbortController();
    const deadline = createDeadline(caller.signal, { timeoutMs: 1_000 });
    const gone = new Error('the client went away');
    caller.abort(gone);
    expect(deadline.signal.reason).toBe(gone);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts once timeoutMs have passed, with the reason it was given, and stops listening to the caller', () => {
    const caller = new AbortController();
    const reason = new Error('no whole answer within 50 ms');
    const deadline = createDeadline(caller.signal, { timeoutMs: 50, timeoutReason: () => reason });
    vi.advanceTimersByTime(49);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.reason).toBe(reason);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it("times out with a TimeoutError by default, as AbortSignal.timeout's", () => {
    const deadline = createDeadline(undefined, { timeoutMs: 10 });
    vi.advanceTimersByTime(10);
    expect(deadline.signal.reason).toMatchObject({ name: 'TimeoutError' });
    expect(isTimeoutReason(deadline.signal.reason)).toBe(true);
  });

  it('aborts on abort(), with its reason, and leaves no timer or listener behind', () => {
    const caller = new AbortController();
    const deadline = createDeadline(caller.signal, { timeoutMs: 1_000 });
    deadline.abort(new Error('the first part failed'));
    expect(deadline.signal.reason).toEqual(new Error('the first part failed'));
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('never aborts once stopped: the timer is cleared and the caller no longer heard', () => {
    const caller = new AbortController();
    const deadline = createDeadline(caller.signal, { timeoutMs: 100 });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    deadline.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort();
    vi.advanceTimersByTime(1_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("is aborted from the start, with the caller's reason, when the caller's signal already is", () => {
    const reason = new Error('gone');
    const deadline = createDeadline(AbortSignal.abort(reason), { timeoutMs: 100 });
    expect(deadline.signal.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without a caller or a time bound, aborts only on abort()', () => {
    const deadline = createDeadline(undefined);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.abort();
    expect(deadline.signal.reason).toMatchObject({ name: 'AbortError' });
  });
});
