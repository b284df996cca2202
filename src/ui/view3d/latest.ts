/**
 * One request in flight at a time, the latest waiting one next: what a rotatable view needs, so
 * that dragging never queues up renders the user has already turned past. Requests made while
 * one runs replace each other; when the running one ends, only the last of them is sent.
 */
export class Latest<Q, R> {
  private waiting: Q | undefined;
  private running = false;
  private stopped = false;

  /**
   * @param run does the work for one request (the worker call)
   * @param done receives each result, in order, unless stopped meanwhile
   * @param failed receives an error of `run` (the loop goes on with the next request)
   */
  constructor(
    private readonly run: (q: Q) => Promise<R>,
    private readonly done: (r: R, q: Q) => void,
    private readonly failed: (e: unknown) => void = () => {},
  ) {}

  /** Asks for `q`: sent now if nothing runs, else after the running request (replacing any waiting one). */
  request(q: Q): void {
    if (this.stopped) return;
    this.waiting = q;
    if (!this.running) void this.pump();
  }

  /** Whether a request runs or waits. */
  get busy(): boolean {
    return this.running;
  }

  /** Drops the waiting request and every result still to come. */
  stop(): void {
    this.stopped = true;
    this.waiting = undefined;
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting !== undefined && !this.stopped) {
        const q = this.waiting;
        this.waiting = undefined;
        try {
          const r = await this.run(q);
          if (!this.stopped) this.done(r, q);
        } catch (e) {
          if (!this.stopped) this.failed(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
