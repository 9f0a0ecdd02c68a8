/**
 * The options argument of every library entry that takes one: a plain object or nothing. QA: `[]`
 * and `new Date()` ran runWorkload's defaults; a Map's own `set` method was read as the `set`
 * option. Each is refused before anything runs, naming what came.
 */
import { describe, expect, it } from 'vitest';
import { ENGINE_OPTION_KEYS } from '../../src/api/check-run-input.js';
import { findWorkload } from '../../src/api/find-workload.js';
import { recordRun } from '../../src/api/record-run.js';
import { replayFailureFile } from '../../src/api/replay-failure-file.js';
import { runSimulation } from '../../src/api/run-simulation.js';
import { type RunEngineOptions, runWorkload, workloadConfig } from '../../src/api/run-workload.js';
import { shrinkFailureFile } from '../../src/api/shrink-failure-file.js';
import { sweepWorkload } from '../../src/api/sweep-workload.js';
import { ConfigError } from '../../src/core/errors.js';

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return (e as Error).message;
}

class Opts {
  seed = 9;
}

// QA: the types took `onSecondPass` and `tailPages`, which a run refused. The record below names
// every key of the type (the compiler refuses one missing or extra); the run's list must match it.
it("the engine options runWorkload's type takes are the ones a run accepts", () => {
  const typed: Record<keyof RunEngineOptions, true> = {
    host: true,
    placement: true,
    spinRounds: true,
    onProgress: true,
    shouldStop: true,
    stopAfterEvents: true,
    recordEvents: true,
    timeEvents: true,
    watchdogMs: true,
    ringCapacityRecords: true,
    free: true,
    workerSet: true,
    recordChoices: true,
    tailEvents: true,
    trace: true,
  };
  expect(Object.keys(typed).sort()).toEqual([...ENGINE_OPTION_KEYS].sort());
});

describe('options that are no plain object', () => {
  it('runWorkload refuses a list, a Date, a Map and a class instance, naming each', async () => {
    const stress = await findWorkload('stress');
    const head =
      "options: Expected a plain object of options ({ seed: 7 } and the like, or none for the workload's defaults), got ";
    expect(await refusal(runWorkload(stress, [] as never))).toBe(`${head}a list`);
    expect(await refusal(runWorkload(stress, new Date() as never))).toBe(`${head}an object of class Date`);
    expect(await refusal(runWorkload(stress, new Map([['seed', 9]]) as never))).toBe(
      `${head}an object of class Map`,
    );
    expect(await refusal(runWorkload(stress, new Opts() as never))).toBe(`${head}an object of class Opts`);
    expect(await refusal(runWorkload(stress, null as never))).toBe(`${head}null`);
  });

  it('so do runSimulation, recordRun, sweepWorkload, replayFailureFile and shrinkFailureFile', async () => {
    const stress = await findWorkload('stress');
    const config = workloadConfig(stress, { durationTicks: 1000 });
    const got = / got an object of class Map$/;
    expect(await refusal(runSimulation(config, new Map() as never))).toMatch(got);
    expect(await refusal(recordRun(config, new Map() as never))).toMatch(got);
    expect(await refusal(sweepWorkload(stress, new Map() as never))).toMatch(got);
    expect(await refusal(replayFailureFile('/no/such.json', new Map() as never))).toMatch(got);
    expect(await refusal(shrinkFailureFile('/no/such.json', new Map() as never))).toMatch(got);
    expect(await refusal(sweepWorkload(stress, [] as never))).toBe(
      'options: Expected a plain object of options ({ seeds } at least), got a list',
    );
    // An object with no prototype is a plain one.
    const bare = Object.assign(Object.create(null) as object, { host: 'inline' as const });
    expect((await runSimulation(config, bare)).digest).toMatch(/^[0-9a-f]{16}$/);
  });
});
