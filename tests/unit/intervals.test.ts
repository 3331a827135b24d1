import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, gaps, intersect, isNormalized, normalize, subtract, totalLength, union } from '../../src/domain/intervals';
import type { Interval } from '../../src/domain/types';

/** Shorthand: `iv([1, 3], [5, 8])` → `[{start:1,end:3},{start:5,end:8}]`. */
const iv = (...pairs: Array<[number, number]>): Interval[] => pairs.map(([start, end]) => ({ start, end }));

/** Small integer intervals, possibly empty or reversed, in any order. */
const intervalList = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 12 })).map(([start, length]) => ({
    start,
    end: start + length,
  })),
  { maxLength: 12 },
);

/** Brute-force model: the set of covered unit cells [t, t+1) within [0, 80). */
const cells = (list: readonly Interval[]): Set<number> => {
  const out = new Set<number>();
  for (const { start, end } of list) for (let t = start; t < end; t++) out.add(t);
  return out;
};
const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);

describe('normalize', () => {
  it.each([
    { name: 'the list is empty', input: iv(), expected: iv() },
    { name: 'intervals are empty or reversed', input: iv([3, 3], [5, 4], [1, 2]), expected: iv([1, 2]) },
    { name: 'intervals are out of order', input: iv([5, 6], [1, 2]), expected: iv([1, 2], [5, 6]) },
    { name: 'intervals overlap', input: iv([1, 4], [3, 6]), expected: iv([1, 6]) },
    { name: 'intervals touch (half-open)', input: iv([1, 3], [3, 5]), expected: iv([1, 5]) },
    { name: 'one interval contains others', input: iv([0, 10], [2, 3], [4, 12], [11, 11]), expected: iv([0, 12]) },
    { name: 'intervals are disjoint and sorted', input: iv([0, 1], [2, 3]), expected: iv([0, 1], [2, 3]) },
  ])('when $name, then it returns the sorted merged union', ({ input, expected }) => {
    expect(normalize(input)).toEqual(expected);
    expect(isNormalized(normalize(input))).toBe(true);
  });

  it('when the input is not normalised, then it is not mutated', () => {
    const input = iv([5, 9], [1, 6]);
    const copy = structuredClone(input);
    normalize(input);
    expect(input).toEqual(copy);
  });
});

describe('interval operations (examples)', () => {
  it.each([
    { op: 'union', a: iv([0, 2], [6, 8]), b: iv([1, 3], [8, 9], [20, 21]), expected: iv([0, 3], [6, 9], [20, 21]) },
    { op: 'union', a: iv(), b: iv([2, 1], [1, 2]), expected: iv([1, 2]) },
    { op: 'intersect', a: iv([0, 5], [10, 15]), b: iv([3, 12]), expected: iv([3, 5], [10, 12]) },
    { op: 'intersect', a: iv([0, 5]), b: iv([5, 9]), expected: iv() },
    { op: 'intersect', a: iv([0, 100]), b: iv([1, 2], [3, 4]), expected: iv([1, 2], [3, 4]) },
    { op: 'subtract', a: iv([0, 10]), b: iv([2, 3], [5, 7]), expected: iv([0, 2], [3, 5], [7, 10]) },
    { op: 'subtract', a: iv([0, 4], [6, 10]), b: iv([3, 7]), expected: iv([0, 3], [7, 10]) },
    { op: 'subtract', a: iv([0, 4], [6, 10]), b: iv([-5, 20]), expected: iv() },
    { op: 'subtract', a: iv([0, 4]), b: iv(), expected: iv([0, 4]) },
    { op: 'subtract', a: iv([0, 2], [3, 5], [6, 8]), b: iv([1, 7]), expected: iv([0, 1], [7, 8]) },
  ])('when computing $op of two lists (case $#), then the result is the expected normalised list', ({ op, a, b, expected }) => {
    const fn = { union, intersect, subtract }[op as 'union' | 'intersect' | 'subtract'];
    expect(fn(a, b)).toEqual(expected);
  });

  it('when measuring overlapping intervals, then overlaps count once', () => {
    expect(totalLength(iv([0, 10], [5, 15], [20, 25]))).toBe(20);
    expect(totalLength([])).toBe(0);
  });

  it('when clipping to a window, then only the parts inside remain', () => {
    expect(clip(iv([-5, 2], [4, 6], [9, 20]), { start: 0, end: 10 })).toEqual(iv([0, 2], [4, 6], [9, 10]));
  });

  it('when finding gaps in a window, then the uncovered parts are returned in order', () => {
    expect(gaps(iv([2, 3], [5, 12], [-3, 1]), { start: 0, end: 10 })).toEqual(iv([1, 2], [3, 5]));
    expect(gaps([], { start: 0, end: 10 })).toEqual(iv([0, 10]));
    expect(gaps(iv([0, 10]), { start: 0, end: 10 })).toEqual(iv());
  });
});

describe('interval algebra (properties)', () => {
  it('when normalising, then the result is normalised, idempotent and covers the same time', () => {
    fc.assert(
      fc.property(intervalList, (a) => {
        const n = normalize(a);
        expect(isNormalized(n)).toBe(true);
        expect(normalize(n)).toEqual(n);
        expect(sorted(cells(n))).toEqual(sorted(cells(a)));
      }),
    );
  });

  it('when taking a union with itself, then nothing changes (idempotent)', () => {
    fc.assert(
      fc.property(intervalList, (a) => {
        expect(union(a, a)).toEqual(normalize(a));
        expect(union(union(a, a), a)).toEqual(normalize(a));
      }),
    );
  });

  it('when measuring a union, then length(a ∪ b) = length(a) + length(b) − length(a ∩ b)', () => {
    fc.assert(
      fc.property(intervalList, intervalList, (a, b) => {
        expect(totalLength(union(a, b))).toBe(totalLength(a) + totalLength(b) - totalLength(intersect(a, b)));
        expect(union(a, b)).toEqual(union(b, a));
        expect(intersect(a, b)).toEqual(intersect(b, a));
      }),
    );
  });

  it('when subtracting, then the result lies inside the original and is disjoint from the subtrahend', () => {
    fc.assert(
      fc.property(intervalList, intervalList, (a, b) => {
        const d = subtract(a, b);
        expect(isNormalized(d)).toBe(true);
        expect(intersect(d, a)).toEqual(d);
        expect(intersect(d, b)).toEqual([]);
        expect(union(d, intersect(a, b))).toEqual(normalize(a));
      }),
    );
  });

  it('when compared with a brute-force model, then every operation covers exactly the expected cells', () => {
    fc.assert(
      fc.property(intervalList, intervalList, (a, b) => {
        const ca = cells(a);
        const cb = cells(b);
        expect(sorted(cells(union(a, b)))).toEqual(sorted(new Set([...ca, ...cb])));
        expect(sorted(cells(intersect(a, b)))).toEqual(sorted(ca).filter((t) => cb.has(t)));
        expect(sorted(cells(subtract(a, b)))).toEqual(sorted(ca).filter((t) => !cb.has(t)));
        const window = { start: 10, end: 50 };
        expect(sorted(cells(clip(a, window)))).toEqual(sorted(ca).filter((t) => t >= 10 && t < 50));
        const g = gaps(a, window);
        expect(isNormalized(g)).toBe(true);
        expect(sorted(cells(g))).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 10).filter((t) => !ca.has(t)),
        );
      }),
    );
  });
});
