// `npm run fuzz`: the media fuzz targets for longer than `npm test` runs them. Each target gets
// FUZZ_SECONDS (default 30) or FUZZ_RUNS cases, in batches with fresh random seeds; prints the
// inputs tried per target and every failure (seed, path and counterexample, to replay with
// fc.assert(property, { seed, path })). Exit code 1 when anything failed.
import fc from 'fast-check';
import { mediaFuzzTargets } from './mediaFuzzTargets.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 30);
const maxRuns = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : Infinity;
const only = process.env.FUZZ_TARGET;
const BATCH = 500;

interface Row { target: string; runs: number; seconds: number; failures: number }
const rows: Row[] = [];
let failed = 0;
for (const target of mediaFuzzTargets) {
  if (only && !target.name.includes(only)) continue;
  const started = performance.now();
  let runs = 0;
  let failures = 0;
  const seen = new Set<string>();
  while (runs < maxRuns && performance.now() - started < seconds * 1000) {
    const seed = (Math.random() * 0x7fffffff) | 0;
    const numRuns = Math.min(BATCH, maxRuns - runs);
    const details = fc.check(target.property, { seed, numRuns });
    runs += details.numRuns;
    if (details.failed) {
      failures++;
      const message = String((details.errorInstance as Error | undefined)?.message ?? 'failed').split('\n')[0]!;
      if (!seen.has(message)) {
        seen.add(message);
        console.log(`FAIL ${target.name}\n  seed ${seed} path ${details.counterexamplePath}\n  ${message}\n  counterexample: ${fc.stringify(details.counterexample).slice(0, 600)}`);
      }
    }
  }
  const row = { target: target.name, runs, seconds: Math.round((performance.now() - started) / 100) / 10, failures };
  rows.push(row);
  failed += failures;
  console.log(`${row.target.padEnd(72)} ${String(row.runs).padStart(9)} inputs  ${String(row.seconds).padStart(6)} s  ${row.failures} failing seeds`);
}
console.log(`\n${rows.reduce((n, r) => n + r.runs, 0)} inputs over ${rows.length} targets, ${failed} failing seeds`);
process.exit(failed > 0 ? 1 : 0);
