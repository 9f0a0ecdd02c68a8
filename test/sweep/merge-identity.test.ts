/**
 * A merge refuses a shard of another sweep naming the option that differs and both values, so a
 * batch user sees which job ran with the wrong command line, not just "options differ".
 */
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { npusimVersion } from '../../src/io/version.js';
import { firstDifference, mergeSummaries, sweepDifference } from '../../src/sweep/summary-merge.js';
import { readSummary } from '../../src/sweep/summary-read.js';
import { shardSummary, sweepParams } from '../support/sweep-shard.js';

const identity = {
  npusim: npusimVersion(),
  workload: 'flush-race',
  params: sweepParams(20_000_000),
  bugs: ['single-flush'],
  profile: 'fixed',
  strategy: 'random',
  stopOnFirst: false,
};
const shard = (k: number, sweep: Record<string, unknown>) =>
  shardSummary(k, 2, { first: 1, last: 9 }, { sweep, wallMs: 1 });

describe('sweep --merge: a shard of another sweep', () => {
  test('the refusal names the file, the field that differs and both values', () => {
    const other = { ...identity, params: { ...identity.params, durationTicks: 30_000_000 } };
    let error: unknown;
    try {
      mergeSummaries([
        { summary: shard(1, identity), where: 's1/sweep-summary-1-of-2.json' },
        { summary: shard(2, other), where: 's2/sweep-summary-2-of-2.json' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(
      /s2\/sweep-summary-2-of-2\.json.*same sweep as s1\/sweep-summary-1-of-2\.json, got another sweep: its sweep\.params\.durationTicks is 30000000, not 20000000/,
    );
  });

  test.each([
    [{ ...identity, bugs: [] }, 'sweep.bugs', '[]', '["single-flush"]'],
    [
      { ...identity, bugs: ['single-flush', 'descending-order'] },
      'sweep.bugs',
      '["single-flush","descending-order"]',
      '["single-flush"]',
    ],
    [{ ...identity, variant: 'per-gpu' }, 'sweep.variant', '"per-gpu"', 'none'],
    [{ ...identity, free: { windowTicks: 1_000_000 } }, 'sweep.free', '{"windowTicks":1000000}', 'none'],
    [{ ...identity, stopOnFirst: true }, 'sweep.stopOnFirst', 'true', 'false'],
  ])('firstDifference names %j at its path', (ours, path, got, expected) => {
    expect(firstDifference(identity, ours, 'sweep')).toEqual({ path, ours: got, theirs: expected });
  });

  test('equal identities, in any key order, have no difference', () => {
    const reordered = Object.fromEntries(Object.entries(identity).reverse());
    expect(firstDifference(identity, reordered, 'sweep')).toBeUndefined();
    expect(
      mergeSummaries([
        { summary: shard(1, identity), where: 'a' },
        { summary: shard(2, reordered), where: 'b' },
      ]).ran,
    ).toBe(9);
  });
});

describe('sweep --merge: the --sets as written are not the sweep (QA)', () => {
  const dma = { path: 'gpu.dmaBytes', value: 512 };
  const migrate = { path: 'host.migratePercent', value: 30 };
  const merged = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    mergeSummaries([
      { summary: shard(1, a), where: 'a' },
      { summary: shard(2, b), where: 'b' },
    ]);

  test('--sets in another order, or one restating a default, merge: their effect is in sweep.params', () => {
    expect(merged({ ...identity, set: [dma, migrate] }, { ...identity, set: [migrate, dma] }).ran).toBe(9);
    expect(merged({ ...identity, set: [{ path: 'gpu.dmaBytes', value: 256 }] }, identity).ran).toBe(9);
    expect(sweepDifference({ ...identity, set: [dma] }, identity)).toBeUndefined();
  });

  test('one topology spec read from two paths (a shard per machine of a cluster) merges: the path is not what ran', () => {
    expect(
      merged({ ...identity, topologyFile: '/a/my.json' }, { ...identity, topologyFile: 'my.json' }).ran,
    ).toBe(9);
    expect(sweepDifference({ ...identity, topologyFile: 'x.json' }, identity)).toBeUndefined();
  });

  test('parameters that differ are still another sweep, named by their field', () => {
    const params = { ...identity.params, gpu: { ...identity.params.gpu, dmaBytes: 512 } };
    expect(() => merged(identity, { ...identity, params, set: [dma] })).toThrow(
      /got another sweep: its sweep\.params\.gpu\.dmaBytes is 512, not 256/,
    );
  });
});

describe('sweep --merge: a shard given twice', () => {
  const merge = (wheres: string[], ks: number[]) => () =>
    mergeSummaries(wheres.map((where, i) => ({ summary: shard(ks[i]!, identity), where })));
  test('names the file named twice, or the other file that has the shard too (QA)', () => {
    expect(merge(['s1/a.json', 's1/a.json'], [1, 1])).toThrow(
      'Expected each shard once, got shard 1/2 again: s1/a.json is given twice (a file, or its directory)',
    );
    expect(merge(['s1/a.json', 'copy/a.json'], [1, 1])).toThrow(
      'Expected each shard once, got shard 1/2 again: s1/a.json has it too',
    );
    expect(merge(['s1/a.json', 's2/b.json'], [1, 2])().ran).toBe(9);
  });
});

describe('sweep --merge: a summary whose counts do not add up', () => {
  const good = () => {
    const s = shardSummary(1, 2, { first: 1, last: 9 }, { sweep: identity });
    return {
      ...s,
      clean: s.ran - 1,
      failed: 1,
      byClass: { clean: s.ran - 1, violation: 1 },
      worstExitCode: 1,
      failures: [{ seed: 3, status: 'violation', rule: 'translation.stale-ats', tick: 5, file: 'x.json' }],
      byRule: { 'translation.stale-ats': { seeds: 1, firstSeed: 3, earliestTick: 5, earliestSeed: 3 } },
    };
  };

  test('a consistent summary is read as it is', () => {
    expect(readSummary(JSON.stringify(good()), 'f')).toEqual(good());
  });

  test.each([
    ['ran', { ran: 7 }, 'f: ran: Expected clean + failed (4 + 1 = 5), got 7'],
    ['failures', { failures: [] }, 'f: failures: Expected one entry per failing seed (failed: 1), got 0'],
    [
      'byClass',
      { byClass: { clean: 4 } },
      'f: byClass: Expected seeds per class adding up to ran (5), got 4',
    ],
    [
      'a failure entry',
      { failures: [{ seed: '3', status: 'violation', rule: 'r', tick: 5, file: null }] },
      'f: failures[0].seed: ',
    ],
    [
      'more seeds than the shard has',
      { ran: 9, clean: 8, byClass: { clean: 8, violation: 1 } },
      'f: ran: Expected at most 5 seeds (seeds 1..9, shard 1 of 2), got 9',
    ],
  ])('%s is refused naming the field', (_what, over, message) => {
    expect(() => readSummary(JSON.stringify({ ...good(), ...over }), 'f')).toThrow(message);
  });
});

describe('sweep --merge: workload parameters no sweep writes (QA fuzz)', () => {
  // Every shard edited alike still agrees with the others: only the reader can refuse it.
  const withParams = (edit: (p: Record<string, unknown>) => void) => {
    const params = structuredClone(identity.params) as unknown as Record<string, unknown>;
    edit(params);
    return JSON.stringify(shard(1, { ...identity, params }));
  };

  test('a summary with the parameters a sweep writes is read as it is', () => {
    expect(
      readSummary(
        withParams(() => {}),
        'f',
      ).sweep,
    ).toEqual(identity);
  });

  test.each([
    [
      'gpu: null',
      (p: Record<string, unknown>) => (p.gpu = null),
      'f: sweep.params.gpu: Expected an object, got null',
    ],
    [
      'pagesPerProcess: true',
      (p: Record<string, unknown>) => ((p.tenants as Record<string, unknown>[])[0]!.pagesPerProcess = true),
      'f: sweep.params.tenants[0].pagesPerProcess: Expected an integer from 1 to 1048576, got true',
    ],
    [
      'shares that do not add up',
      (p: Record<string, unknown>) => ((p.gpu as Record<string, unknown>).ut0Percent = 0),
      'f: sweep.params.gpu: Expected ut0Percent + ut1Percent + peerPercent to be 100, got 40',
    ],
    [
      'an unknown parameter',
      (p: Record<string, unknown>) => (p.zzz = 1),
      'f: sweep.params.zzz: Expected a workload parameter (one of: topology, policy, durationTicks, tenants, gpu, host, mmio, resets), got unknown key `zzz`',
    ],
    [
      'no tenants',
      (p: Record<string, unknown>) => delete p.tenants,
      'f: sweep.params.tenants: Expected a list of at least one tenant',
    ],
  ])('%s is refused naming the field', (_what, edit, message) => {
    expect(() => readSummary(withParams(edit), 'f')).toThrow(message);
  });
});

describe('sweep --merge: the strategy and the topology as a sweep names them', () => {
  const read = (over: Record<string, unknown>) => () =>
    readSummary(JSON.stringify(shard(1, { ...identity, ...over })), 'f');

  test('pct with its depth, and the topology by name or as a spec of that name, are read', () => {
    expect(read({ strategy: 'pct', pctDepth: 3 })().sweep.pctDepth).toBe(3);
    expect(read({ topology: 'witherspoon-6' })().sweep.topology).toBe('witherspoon-6');
    expect(read({ topology: { name: 'witherspoon-6', sockets: [] } })().sweep.topology).toEqual({
      name: 'witherspoon-6',
      sockets: [],
    });
  });

  test.each([
    ['a strategy no sweep runs', { strategy: 'bogus' }, 'f: sweep.strategy: '],
    [
      'pct without its depth',
      { strategy: 'pct' },
      'f: sweep.pctDepth: Expected the PCT depth a sweep of strategy pct ran with, got none',
    ],
    [
      'a depth beside random',
      { pctDepth: 3 },
      'f: sweep.pctDepth: Expected none in a sweep of strategy random (a sweep names the depth of PCT only), got 3',
    ],
    ['a depth above the most', { strategy: 'pct', pctDepth: 17 }, 'f: sweep.pctDepth: '],
    [
      'another topology than the parameters run',
      { topology: 'witherspoon-4' },
      'f: sweep.topology: Expected the topology of sweep.params.topology ("witherspoon-6"), or a topology file\'s spec of that name, got "witherspoon-4"',
    ],
    ["a spec of another topology's name", { topology: { name: 'mine' } }, 'got a spec named "mine"'],
  ])('%s is refused naming the field', (_what, over, message) => {
    expect(read(over)).toThrow(message);
  });
});

describe('sweep --merge: the seeds spelt another way (QA)', () => {
  const range = { first: 1, last: 9 };
  const wholeList = { ...range, list: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
  const merge = (a: typeof range, b: typeof range) =>
    mergeSummaries([
      { summary: shardSummary(1, 2, a), where: 'a' },
      { summary: shardSummary(2, 2, b), where: 'b' },
    ]);

  test("a list of every seed from its first to its last is the range: its shards merge with the range's", () => {
    expect(merge(wholeList, range).ran).toBe(9);
    expect(merge(range, wholeList).ran).toBe(9);
    expect(merge(wholeList, wholeList).ran).toBe(9);
    // One spelling in the merged summary, whatever the shards' order (QA: the first shard's).
    expect(merge(wholeList, range).seeds).toEqual(range);
    expect(merge(range, wholeList).seeds).toEqual(range);
  });

  test('a list with a gap is not the range of its ends, and the refusal says which seeds each ran', () => {
    const gap = { ...range, list: [1, 2, 3, 4, 6, 7, 8, 9] };
    expect(() => merge(range, gap)).toThrow('b: Expected seeds 1..9 (as a says), got 1..4,6..9');
    expect(() => merge(gap, range)).toThrow('b: Expected seeds 1..4,6..9 (as a says), got 1..9');
  });
});
