import { describe, expect, it } from 'vitest';
import { LowestFree } from './lowest-free.js';

describe('LowestFree', () => {
  it('hands out the lowest free index of [min, max], reusing released ones lowest first', () => {
    const ids = new LowestFree(3, 7);
    expect([ids.alloc(), ids.alloc(), ids.alloc(), ids.alloc()]).toEqual([3, 4, 5, 6]);
    ids.release(5);
    ids.release(3);
    expect(ids.peek()).toBe(3);
    expect([ids.alloc(), ids.alloc(), ids.alloc(), ids.alloc()]).toEqual([3, 5, 7, undefined]);
    ids.release(7); // the high-water index: the top comes down
    ids.release(6);
    expect(ids.peek()).toBe(6);
    ids.reset();
    expect(ids.alloc()).toBe(3);
  });

  it('agrees with a linear scan over random operations', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const ids = new LowestFree(1, 200);
    const used = new Set<number>();
    for (let step = 0; step < 5000; step++) {
      if (used.size > 0 && rnd() < 0.45) {
        const all = [...used];
        const v = all[Math.floor(rnd() * all.length)]!;
        used.delete(v);
        ids.release(v);
      } else {
        let want: number | undefined = 1;
        while (used.has(want)) want++;
        if (want > 200) want = undefined;
        expect(ids.alloc()).toBe(want);
        if (want !== undefined) used.add(want);
      }
    }
  });
});
