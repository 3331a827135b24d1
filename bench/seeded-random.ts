/**
 * The one seeded random generator for generated data (bench workspaces, rotation instances,
 * the examples' sample team): mulberry32, a tiny, well-known 32-bit PRNG. Same seed, same
 * sequence on every machine, so generated files are byte-for-byte stable and benchmark runs
 * compare. Not for anything secret.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
