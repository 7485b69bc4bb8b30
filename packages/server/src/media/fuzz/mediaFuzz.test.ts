// Property-based fuzzing of the media parsers and rewriters (issue #14), bounded for `npm test`:
// each target runs with two fixed seeds (reproducible) and one random seed; fast-check's failure
// message names the seed and the shrunk counterexample. `npm run fuzz` runs the same properties for
// longer (scripts/fuzz.mjs).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { mediaFuzzTargets } from './mediaFuzzTargets.js';

const FIXED_SEEDS = [20261207, 14];
/** Cases per target and seed; the heavy targets (a Producer per case) run fewer. */
const RUNS: Record<string, number> = { default: 1500, heavy: 150 };
const heavy = (name: string) => name.startsWith('rtp: Producer') || name.startsWith('pipe:');
const randomSeed = Date.now() ^ (Math.random() * 0x7fffffff);

describe('media fuzz (fast-check, bounded)', () => {
  for (const target of mediaFuzzTargets) {
    const numRuns = heavy(target.name) ? RUNS.heavy! : RUNS.default!;
    it(`${target.name}: ${numRuns} cases for each of seeds ${FIXED_SEEDS.join(', ')} and random seed ${randomSeed}`, () => {
      for (const seed of [...FIXED_SEEDS, randomSeed]) fc.assert(target.property, { seed, numRuns });
    }, 60_000);
  }
});
