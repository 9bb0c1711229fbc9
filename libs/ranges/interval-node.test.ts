/**
 * IntervalTree.insertNode: a caller-made node (a subclass carrying its own fields, as the IOAS
 * area is) is linked like one made by insert: same order, same overlap refusal, same removal.
 */
import { describe, expect, it } from 'vitest';
import { IntervalNode, IntervalTree, NonOverlappingMap, RangeOverlapError } from './index.js';

class Tagged extends IntervalNode<Tagged> {
  constructor(
    start: bigint,
    last: bigint,
    readonly tag: string,
  ) {
    super(start, last);
  }
  get value(): Tagged {
    return this;
  }
}

describe('IntervalTree.insertNode', () => {
  it('links caller-made nodes in (start, insertion) order, mixed with insert()', () => {
    const t = new IntervalTree<Tagged | string>();
    const a = new Tagged(10n, 20n, 'a');
    const b = new Tagged(10n, 12n, 'b');
    t.insertNode(a);
    t.insert(5n, 6n, 'x');
    t.insertNode(b);
    t.insert(10n, 11n, 'y');
    t.assertValid();
    expect([...t].map((n) => (typeof n.value === 'string' ? n.value : n.value.tag))).toEqual(['x', 'a', 'b', 'y']);
    expect(a.attached).toBe(true);
    expect(t.firstIntersecting(13n, 13n)).toBe(a);
    expect([...t.intersecting(11n, 11n)].map((n) => n.start)).toEqual([10n, 10n, 10n]);
  });

  it('refuses a node already in a tree and a bad range, and takes a removed node again', () => {
    const t = new IntervalTree<Tagged>();
    const u = new IntervalTree<Tagged>();
    const a = new Tagged(1n, 2n, 'a');
    t.insertNode(a);
    expect(() => t.insertNode(a)).toThrow(RangeError);
    expect(() => u.insertNode(a)).toThrow(RangeError);
    expect(u.remove(a)).toBe(false);
    expect(() => t.insertNode(new Tagged(3n, 2n, 'bad'))).toThrow(RangeError);
    expect(() => t.insertNode(new Tagged(0n, 1n << 64n, 'bad'))).toThrow(RangeError);
    expect(t.size).toBe(1);
    expect(t.remove(a)).toBe(true);
    expect(a.attached).toBe(false);
    u.insertNode(a);
    expect(u.firstContaining(2n)).toBe(a);
    expect(t.size).toBe(0);
    u.assertValid();
  });

  it('NonOverlappingMap.insertNode refuses an overlap and changes nothing; adjacent is fine', () => {
    const m = new NonOverlappingMap<Tagged>();
    const a = new Tagged(0x1000n, 0x1fffn, 'a');
    m.insertNode(a);
    const c = new Tagged(0x1fffn, 0x2fffn, 'c');
    let err: unknown;
    try {
      m.insertNode(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeOverlapError);
    expect((err as RangeOverlapError<Tagged>).existing).toBe(a);
    expect(c.attached).toBe(false);
    expect(m.size).toBe(1);
    const d = new Tagged(0x2000n, 0x2fffn, 'd');
    m.insertNode(d);
    expect([...m.contiguousRun(0x1000n, 0x2fffn)].map((n) => n.value.tag)).toEqual(['a', 'd']);
    m.assertValid();
  });

  it('stays balanced and valid over many caller-made nodes removed while iterating', () => {
    const m = new NonOverlappingMap<Tagged>();
    const nodes: Tagged[] = [];
    for (let i = 0; i < 2000; i++) {
      const s = BigInt((i * 7919) % 2000) * 0x1000n;
      const n = new Tagged(s, s + 0xfffn, String(i));
      nodes.push(n);
      m.insertNode(n);
    }
    m.assertValid();
    expect(m.height).toBeLessThanOrEqual(16);
    let seen = 0;
    for (const n of m) {
      if (seen++ % 2 === 0) m.remove(n);
    }
    expect(seen).toBe(2000);
    expect(m.size).toBe(1000);
    m.assertValid();
  });
});
