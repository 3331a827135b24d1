import { describe, expect, it } from 'vitest';
import { createMemo, memoized } from '../../src/services/memo';

const deps = (memo = createMemo()) => ({ memo, repos: { workspaces: { dataVersion: async () => 1 } } }) as unknown as Parameters<typeof memoized>[0];

describe('memo', () => {
  it('when more entries than allowed are set, then the least recently used go first', () => {
    const memo = createMemo(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.get('a');
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([1, undefined, 3]);
  });

  it('when the weighed entries pass the byte budget, then the least recently used go until it fits', () => {
    const memo = createMemo(100, 1_000);
    for (const key of ['a', 'b', 'c']) {
      memo.set(key, key);
      memo.weigh(key, key, 400);
    }
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 'b', 'c']);
    // A weight for a value no longer cached under the key is ignored.
    memo.weigh('b', 'other', 10_000);
    expect(memo.get('b')).toBe('b');
  });

  it('when memoized values resolve, then their text and bytes count against the budget, and a failure is not kept', async () => {
    const memo = createMemo(100, 250_000);
    const d = deps(memo);
    await memoized(d, 'ws', 'report', 1, async () => ({ bytes: new Uint8Array(200_000), etag: '"x"' }));
    await memoized(d, 'ws', 'page', 2, async () => 'x'.repeat(100_000)); // 200,000 bytes as UTF-16
    let runs = 0;
    await memoized(d, 'ws', 'page', 2, async () => ++runs);
    expect(runs).toBe(0); // still cached
    await memoized(d, 'ws', 'report', 1, async () => ++runs);
    expect(runs).toBe(1); // evicted by the page's weight
    await expect(memoized(d, 'ws', 'failing', 3, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await memoized(d, 'ws', 'failing', 3, async () => ++runs);
    expect(runs).toBe(2);
  });

  it('when the caller passes the data version it read, then the entry is keyed by that version and none is read again', async () => {
    let reads = 0;
    const d = { memo: createMemo(), repos: { workspaces: { dataVersion: async () => (++reads, 1) } } } as unknown as Parameters<typeof memoized>[0];
    let runs = 0;
    await memoized(d, 'ws', 'report', 1, async () => ++runs, 1);
    expect(await memoized(d, 'ws', 'report', 1, async () => ++runs)).toBe(1); // the same entry, found by the version read here
    expect(await memoized(d, 'ws', 'report', 1, async () => ++runs, 2)).toBe(2); // a newer version: computed anew
    expect(reads).toBe(1);
  });
});
