import { describe, expect, it } from 'vitest';
import { Latest } from './latest.ts';

/** A request loop where the test decides when each request finishes. */
const harness = () => {
  const sent: number[] = [];
  const got: number[] = [];
  const finish: (() => void)[] = [];
  const latest = new Latest<number, number>(
    (q) =>
      new Promise((resolve) => {
        sent.push(q);
        finish.push(() => resolve(q * 10));
      }),
    (r) => got.push(r),
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { latest, sent, got, finish, settle };
};

describe('Latest: one request in flight, the latest next', () => {
  it('sends the first request at once and only the last of those asked for meanwhile', async () => {
    const t = harness();
    t.latest.request(1);
    t.latest.request(2);
    t.latest.request(3);
    t.latest.request(4);
    expect(t.sent).toEqual([1]);
    t.finish.shift()!();
    await t.settle();
    expect(t.sent).toEqual([1, 4]);
    t.finish.shift()!();
    await t.settle();
    expect(t.got).toEqual([10, 40]);
    expect(t.latest.busy).toBe(false);
  });

  it('drops results once stopped', async () => {
    const t = harness();
    t.latest.request(1);
    t.latest.request(2);
    t.latest.stop();
    t.finish.shift()!();
    await t.settle();
    expect(t.sent).toEqual([1]);
    expect(t.got).toEqual([]);
    t.latest.request(3);
    expect(t.sent).toEqual([1]);
  });

  it('goes on after a failed request', async () => {
    const errors: unknown[] = [];
    const got: number[] = [];
    const latest = new Latest<number, number>(
      async (q) => {
        if (q === 1) throw new Error('no');
        return q;
      },
      (r) => got.push(r),
      (e) => errors.push(e),
    );
    latest.request(1);
    latest.request(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toHaveLength(1);
    expect(got).toEqual([2]);
  });
});
