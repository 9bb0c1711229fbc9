/** SeqLog: a ring with consecutive sequences; since() by arithmetic; followLog without gaps. */
import { describe, expect, it } from 'vitest';
import { followLog, SeqLog } from './index.js';

const seqs = (l: SeqLog<{ n: number }>, after: bigint) => {
  const r = l.since(after);
  return { seqs: r.events.map((e) => Number(e.sequence)), expired: r.expired };
};

describe('SeqLog', () => {
  it('numbers items from 1 and returns those after a sequence', () => {
    const l = new SeqLog<{ n: number }>(8);
    for (let i = 0; i < 5; i++) l.append({ n: i });
    expect(l.headSequence).toBe(5n);
    expect(seqs(l, 0n)).toEqual({ seqs: [1, 2, 3, 4, 5], expired: false });
    expect(seqs(l, 3n)).toEqual({ seqs: [4, 5], expired: false });
    expect(seqs(l, 5n)).toEqual({ seqs: [], expired: false });
    expect(seqs(l, 99n)).toEqual({ seqs: [], expired: false });
  });

  it('drops the oldest once full, across many wraps, and says when a reader missed some', () => {
    const l = new SeqLog<{ n: number }>(4);
    for (let i = 0; i < 1003; i++) l.append({ n: i });
    expect(l.size).toBe(4);
    expect(seqs(l, 0n)).toEqual({ seqs: [1000, 1001, 1002, 1003], expired: true });
    expect(seqs(l, 998n)).toEqual({ seqs: [1000, 1001, 1002, 1003], expired: true });
    expect(seqs(l, 999n)).toEqual({ seqs: [1000, 1001, 1002, 1003], expired: false });
    expect(seqs(l, 1001n)).toEqual({ seqs: [1002, 1003], expired: false });
    expect(l.since(1001n).events.map((e) => e.n)).toEqual([1001, 1002]);
    expect(seqs(l, 1003n)).toEqual({ seqs: [], expired: false });
  });

  it('followLog: backlog then live items, once each and in order, also past a wrap', async () => {
    const l = new SeqLog<{ n: number }>(16);
    for (let i = 0; i < 40; i++) l.append({ n: i });
    const got: number[] = [];
    const ac = new AbortController();
    let expiredAt: bigint | undefined;
    const done = followLog(
      l,
      10n,
      async (e) => {
        got.push(Number(e.sequence));
        if (got.length === 3) for (let i = 0; i < 2000; i++) l.append({ n: i }); // a burst while sending
        if (Number(e.sequence) === 2040) ac.abort();
        await Promise.resolve();
      },
      ac.signal,
      async (oldest) => {
        expiredAt = oldest;
      },
    );
    await done;
    expect(expiredAt).toBe(25n);
    expect(got.slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, i) => 25 + i));
    expect(got.slice(16)).toEqual(Array.from({ length: 2000 }, (_, i) => 41 + i));
  });
});
