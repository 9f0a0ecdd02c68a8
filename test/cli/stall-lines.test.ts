/**
 * A stalled engine's state as the terminal shows it (src/cli/stall-lines.ts), from the watchdog's
 * dump (runtime/threaded-watchdog.ts): the workers least advanced first, with their states named,
 * and the rings that held unread records, the fullest first.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { workloadConfig } from '../../src/api/run-workload.js';
import { parseCli } from '../../src/cli/args.js';
import { Interrupt } from '../../src/cli/interrupt.js';
import { reportFailure } from '../../src/cli/run-failure-report.js';
import { stallLines } from '../../src/cli/stall-lines.js';
import * as machine from '../../src/model/actors/machine.js';
import { stalledAtTick, stalledWorkers } from '../../src/report/stall-workers.js';
import { EngineStallError } from '../../src/runtime/run-errors.js';
import { workloads } from '../../workloads/index.js';
import { testTempDir } from '../support/temp-dir.js';

const dump = {
  workers: [
    { actors: 'chip0, gpu0, gpu1', tick: 3_250_000, events: 9120, state: 1, progress: 7 },
    { actors: 'gpu2', tick: 2_600_000, events: 2576, state: 1, progress: 3 },
    { actors: 'coordinator', tick: 3_250_000, events: 40, state: 2, progress: 1 },
  ],
  rings: [
    { edge: 'gpu2->chip0', records: 100, releasedRecords: 100 },
    { edge: 'chip0->gpu2', records: 130, releasedRecords: 118 },
    { edge: 'gpu0->gpu2', records: 9, releasedRecords: 4 },
  ],
};

test('the workers least advanced first, their states named; the rings holding unread records, the fullest first (QA: raw JSON)', () => {
  expect(stallLines(dump)).toEqual([
    '  workers when it stalled, least advanced first (tick reached, events handled, state):',
    '    gpu2                   2.6 us       2576  running',
    '    chip0, gpu0, gpu1     3.25 us       9120  running',
    '    coordinator           3.25 us         40  finished',
    '  rings holding records not yet read:',
    '    chip0->gpu2  12 unread',
    '    gpu0->gpu2  5 unread',
    "  (every worker's and ring's figures: --json's `stall`)",
  ]);
  expect(stalledAtTick(dump)).toBe(2_600_000);
});

test('a dump of another shape (a result read back) is read as far as it goes, never thrown on', () => {
  expect(stalledWorkers({ workers: [{ tick: 'x', state: 9 }, null] })).toEqual([
    { actors: '?', tick: 0, events: 0, state: '9' },
    { actors: '?', tick: 0, events: 0, state: '?' },
  ]);
  expect(stalledAtTick({})).toBe(0);
  expect(stallLines({ a: 1 })).toContain('  no ring held a record its consumer had not read');
});

test('a stalled engine leaves no failure file and no --record file (its replay would run clean: QA, a file that said NOT reproduced), says so with the inline command, and prints its workers as a table', async () => {
  const dir = testTempDir('npusim-stall-');
  const failures = join(dir, 'failures');
  const record = join(dir, 'rec.json');
  const args = parseCli(['run', 'stress', '--seed', '1', '--failures', failures, '--record', record]);
  if (args.command !== 'run') throw new Error('expected a run');
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: { write: (s: string) => out.push(s) > 0 },
    stderr: { write: (s: string) => err.push(s) > 0 },
    env: {},
  } as never;
  const workload = workloads.find((w) => w.name === 'stress')!;
  const config = { ...workloadConfig(workload), seed: 1 };
  const interrupt = new Interrupt(io);
  try {
    const code = await reportFailure(
      new EngineStallError('no worker moved for 15000 ms (wall clock)', dump),
      { config, workload, plan: machine.planMachine(config), wallMs: 15_000 },
      { args, io, interrupt },
      undefined,
    );
    expect(code).toBe(3);
  } finally {
    interrupt.dispose();
  }
  const said = err.join('');
  expect(said).toContain('    gpu2                   2.6 us       2576  running\n');
  expect(said).toMatch(
    /npusim: no failure file and no --record file \(.*rec\.json\): the run did not fail in the model, its threaded engine stalled; the same events in one thread: npusim run stress --seed 1 .*--inline\n/,
  );
  expect(readdirSync(dir)).toEqual([]);
  // Reported to the tick every worker had reached (it said 0 ps).
  expect(out.join('')).toContain('  simulated 2.6 us of 2 ms in 15.00 s wall');
});
