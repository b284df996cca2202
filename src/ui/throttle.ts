/**
 * Shows the latest of a stream of values at most once per `intervalMs`. Progress arrives with
 * every file, hundreds a second; each time the page changes, the browser spends ~5 ms of the main
 * thread restyling, laying out, painting and hit-testing it (measured in Chromium during the
 * benchmark's 600-file run: 242 frames, 1.25 s of main-thread work in a 4 s run, on two cores the
 * engine workers need). Four updates a second read as smooth progress and leave that CPU to them.
 * The first value is shown at once; the last one pushed is always shown, unless cancelled.
 */
export interface Throttled<T> {
  /** Offers a value; it is shown when the interval allows, unless a newer one replaces it first. */
  push(value: T): void;
  /** Drops a value not shown yet (the run is over and something else takes the place). */
  cancel(): void;
}

/** Wraps `show` so that it runs at most once per `intervalMs`, always with the newest value. */
export const throttled = <T>(show: (value: T) => void, intervalMs = 250): Throttled<T> => {
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shownAt = Number.NEGATIVE_INFINITY;
  const fire = (): void => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    shownAt = performance.now();
    show(value);
  };
  return {
    push(value) {
      pending = { value };
      if (timer === undefined) timer = setTimeout(fire, Math.max(0, shownAt + intervalMs - performance.now()));
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
};
