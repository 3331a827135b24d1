import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids';

describe('row ids', () => {
  it('when ids are made one after another, even within one millisecond, then they sort in the order they were made', () => {
    const at = Date.parse('2026-11-28T12:00:00.123Z');
    const ids = [newId('key', at), newId('key', at), newId('key', at), newId('key', at + 1), newId('key', at + 1_000), newId('key', at + 1_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('when an id is made, then it keeps the prefix, the Crockford alphabet and a length the id validators accept', () => {
    const id = newId('con');
    expect(id).toMatch(/^con_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id.length).toBeLessThanOrEqual(64);
  });

  it('when ids are made at later instants, then each sorts after the ones before it', () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const ids = [0, 1, 31, 32, 1_023, 1_024, 86_400_000, 10 * 365 * 86_400_000].map((d) => newId('x', base + d));
    expect([...ids].sort()).toEqual(ids);
  });
});
