import { monotonicFactory, ulid as packageUlid } from 'ulid';
import { monotonicUlid, ulid } from '../functions/domain/ulid';
import { percentile } from './transactions';

/*
 * `npx tsx bench/ids.ts`: what a ULID costs, Loket's (functions/domain/ulid.ts, randomness from a
 * pooled cryptographic source) against the `ulid` package's own (one request to the system's random
 * source per character), in turns in one process. The monotonic generators are given a new
 * millisecond for every id, as a function that makes one id per request does; within one
 * millisecond both only increment the last id.
 */

const idsPerRound = 20_000;
const rounds = 7;

/** Microseconds per id, one round. */
function microsecondsPerId(make: (i: number) => string): number {
  const started = performance.now();
  for (let i = 0; i < idsPerRound; i++) make(i);
  return ((performance.now() - started) * 1000) / idsPerRound;
}

const start = Date.now() + 1e9;
const series = {
  packagePlain: [] as number[],
  loketPlain: [] as number[],
  packageMonotonic: [] as number[],
  loketMonotonic: [] as number[],
};
for (let round = 0; round < rounds; round++) {
  series.packagePlain.push(microsecondsPerId(() => packageUlid()));
  series.loketPlain.push(microsecondsPerId(() => ulid()));
  const fromPackage = monotonicFactory();
  const fromLoket = monotonicUlid();
  series.packageMonotonic.push(microsecondsPerId((i) => fromPackage(start + round * idsPerRound + i)));
  series.loketMonotonic.push(microsecondsPerId((i) => fromLoket(start + round * idsPerRound + i)));
}

const median = (values: number[]) => percentile(values, 50);
const line = (name: string, before: number[], after: number[]) =>
  `| ${name} | ${median(before).toFixed(2)} | ${median(after).toFixed(2)} | ${(median(before) / median(after)).toFixed(0)}× |`;
console.log(
  [
    `# ULIDs: microseconds per id, medians of ${rounds} rounds of ${idsPerRound.toLocaleString('en')}`,
    '',
    '| generator | `ulid` package | Loket (pooled) | ratio |',
    '| --- | --- | --- | --- |',
    line('ulid()', series.packagePlain, series.loketPlain),
    line('monotonic, a new millisecond each', series.packageMonotonic, series.loketMonotonic),
  ].join('\n'),
);
