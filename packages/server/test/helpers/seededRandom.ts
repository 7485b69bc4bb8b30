// A small deterministic generator (mulberry32) for fuzz tests: the same seed replays the same run.
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FUZZ_SEED from the environment, else `fallback`. */
export function fuzzSeed(fallback = 20261206): number {
  return Number(process.env.FUZZ_SEED ?? fallback);
}
