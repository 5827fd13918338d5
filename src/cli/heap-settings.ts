import { setFlagsFromString } from 'node:v8';

/** The V8 flag that decides how much the young generation grows each time it grows. */
const GROWTH_FLAG = '--semi-space-growth-factor';

/**
 * Keeps V8's young generation at the size it has when the node starts (about 1 MiB per
 * semi-space) instead of letting it double, under traffic, up to 16 MiB per semi-space.
 *
 * A relay keeps few objects alive for long, so a small young generation costs little: its
 * scavenges are frequent but short. A grown one costs twice. Memory: the connection setup of
 * 10,000 idle peers grew it to 32 MiB, most of the node's RSS growth. Time: once its capacity
 * exceeds the headroom V8 leaves the old generation before a full collection (about 12 MiB on
 * a relay whose live heap is 8 MiB), every few scavenges start incremental marking, and the
 * relay spent as much time in mark-compacts as in scavenges (45 of them in 150,000 relayed
 * frames, against 1 with the young generation small).
 *
 * V8 reads this flag each time it would grow the young generation, so setting it at run time
 * takes effect (unlike `--max-semi-space-size`, read once when the heap is set up). A growth
 * factor or semi-space size given on the command line or in `NODE_OPTIONS` is left alone.
 *
 * @returns whether the flag was set
 */
export function keepYoungGenerationSmall(): boolean {
  return setUnlessGiven(/semi[-_]space/, `${GROWTH_FLAG}=1`);
}

/** How far V8 lets the old generation grow past its live size before a full collection, percent. */
const HEAP_GROWING_PERCENT = 10;

/**
 * Lets V8's old generation grow past what a collection left alive by a tenth instead of by up to
 * several times, so a transport node's tables cost little more than their live size: 100,000
 * paths took 114 to 134 MB of RSS with V8's growth and 104 to 107 MB with this (88 MB in runs
 * below the announce cap), for about 12 % more CPU on announce checks. A flood relay keeps no
 * tables and is left as it is. A growth setting given on the node command line is left alone
 * (V8 does not take it from `NODE_OPTIONS`). V8 reads it each time it sets the next collection's
 * limit, so setting it at run time takes effect.
 *
 * @returns whether the flag was set
 */
export function limitHeapGrowth(): boolean {
  return setUnlessGiven(/heap[-_]growing/, `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Sets the V8 `flag` unless the operator gave a setting matching `given` to node. */
function setUnlessGiven(given: RegExp, flag: string): boolean {
  if (given.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))) return false;
  setFlagsFromString(flag);
  return true;
}
