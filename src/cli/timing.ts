/**
 * Where a run's time went, phase by phase (--timing), measured from the start of the process
 * (performance.timeOrigin), so the first phase is Node's and the bundle's start-up: the wait a
 * user sees before any work begins.
 */
export class PhaseTimer {
  private readonly phases: [name: string, seconds: number][] = [];
  private last = performance.now();

  constructor(first = 'startup') {
    this.phases.push([first, this.last / 1000]);
  }

  /** Ends the current phase, naming it. */
  mark(name: string): void {
    const now = performance.now();
    this.phases.push([name, (now - this.last) / 1000]);
    this.last = now;
  }

  /** Seconds since the process started. */
  total(): number {
    return performance.now() / 1000;
  }

  /** One line: each phase and the total, e.g. "startup 0.08 s · de-identify 0.61 s · total 0.70 s". */
  summary(): string {
    return [...this.phases, ['total', this.total()] as const].map(([n, s]) => `${n} ${s.toFixed(2)} s`).join(' · ');
  }
}
