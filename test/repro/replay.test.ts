/**
 * `npusim replay` of recordings it must not take for divergences: a run Ctrl-C stopped (replayed
 * to the same events inline and compared exactly; on threads, where no replay can stop where it
 * did, run up to the tick it reached and not compared, never exit 5), and a free run's log that
 * is not this run's (refused naming every actor that cannot go on, not only the first).
 *
 * The stopped runs are built directly: an inline run whose stop word is set after its first check
 * sees it at its next, after `stopCheckEvery` events, exactly as Ctrl-C is seen between two events
 * of `npusim run --inline` (inline-runtime.ts). No timing is involved.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import * as machine from '../../src/model/actors/machine.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { formatTime } from '../../src/report/duration.js';
import { buildFailureFile, type FailureFile, NO_DIGEST } from '../../src/repro/failure-file.js';
import { firstFinding } from '../../src/repro/first-finding.js';
import { replayFailure } from '../../src/repro/replay.js';
import { shrinkable, shrinkFailure } from '../../src/repro/shrink.js';
import { TakeLogWriter } from '../../src/runtime/free/take-log.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import { workloads } from '../../workloads/index.js';
import { cli } from '../cli/cli-harness.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';

const registry = new Map(workloads.map((w) => [w.name, w]));

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = registry.get(name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

/**
 * The `--record` file of `c` run inline and stopped, as by Ctrl-C, after `events` events (0: the
 * stop already asked at the run's first look, as a signal while its worker started).
 */
function stoppedRecording(c: RunConfig, events: number, host: 'inline' | 'threaded' = 'inline'): FailureFile {
  let polls = 0;
  const raw = runInline(machine, c, {
    seed: c.seed,
    endTick: c.params.durationTicks,
    // Not before the first event unless none is asked for (a run asked to stop before it began
    // handles nothing).
    ...(events === 0
      ? { shouldStop: () => true }
      : { stopCheckEvery: events, shouldStop: () => polls++ > 0 }),
  });
  expect(raw.stopped).toBe('interrupted');
  expect(raw.events).toBe(events);
  const result = assembleResult(c, machine.planMachine(c), raw);
  return buildFailureFile({
    config: c,
    workload: registry.get(c.workload)!,
    host,
    digest: result.digest,
    exitClass: 'interrupted',
    exitCode: result.exitCode,
    first: firstFinding(result) ?? null,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
  });
}

/** The failure file of flush-race run inline on config `c` (a violation), and the run's result. */
/**
 * The ticks of the steps of the shootdown a replayed `order.*` finding names, as its oracle's record
 * gives them, once each in order: the history runs once more to each (recorded-steps.ts).
 */
function shootdownStepTicks(r: Awaited<ReturnType<typeof replayFailure>>): number[] {
  const id = /^shootdown (\d+)$/.exec(r.found!.actors[0]!)![1];
  const steps = r.findingRecord!.history.filter((l) => new RegExp(`"shootdown":${id}[,}]`).test(l));
  expect(steps.length).toBeGreaterThan(0);
  return [...new Set(steps.map((l) => Number.parseInt(l, 10)))];
}

function inlineViolationFile(c: RunConfig) {
  const raw = runInline(machine, c, {
    seed: c.seed,
    endTick: c.params.durationTicks,
    stopOnFirst: c.stopOnFirst,
  });
  const result = assembleResult(c, machine.planMachine(c), raw);
  const file = buildFailureFile({
    config: c,
    workload: registry.get('flush-race')!,
    host: 'inline',
    digest: result.digest,
    exitClass: 'violation',
    exitCode: 1,
    first: firstFinding(result) ?? null,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
  });
  return { file, result };
}

/** The file of flush-race seed 1 with single-flush, 20 us, run inline with --stop-on-first. */
function stoppedAtFirstFinding(): FailureFile {
  return inlineViolationFile({ ...config('flush-race', 1, 30_000_000, ['single-flush']), stopOnFirst: true })
    .file;
}

const replay = (file: FailureFile, asked?: 'inline' | 'threaded') =>
  replayFailure(JSON.stringify(file), 'r.json', registry, asked);

describe('replay: a recording of a run Ctrl-C stopped', () => {
  test('replay: an inline run stopped after N events replays to the same N events and digest, and exits 0 when it found nothing', async () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 3000);
    expect(file.exit).toEqual({ class: 'interrupted', code: 130 });
    const r = await replay(file);
    expect(r.interrupted).toMatchObject({
      how: 'same-events',
      events: 3000,
      tick: file.figures.simulatedTicks,
    });
    expect(r.notCompared).toBeUndefined();
    expect(r.mismatches).toEqual([]);
    expect(r.result!.engine.events).toBe(3000);
    expect(r.result!.digest).toBe(file.digest);
    expect(r.exitCode).toBe(0);
  });

  test('replay: an inline run stopped before its first event (Ctrl-C as its worker started) replays to 0 events, not to its end (QA Q6)', async () => {
    // The stop word already set at the run's first look, before any event: `npusim run --inline`
    // signalled while its worker started recorded `after 0 events`, whose replay ran the whole
    // 200 us and said NOT reproduced (exit 5), blaming npusim.
    const file = stoppedRecording(config('stress', 7, 200_000_000), 0);
    const r = await replay(file);
    expect(r.interrupted).toMatchObject({ how: 'same-events', events: 0, tick: 0 });
    expect(r.result!.engine.events).toBe(0);
    expect(r.mismatches).toEqual([]);
    expect(r.result!.digest).toBe(file.digest);
    expect(r.exitCode).toBe(0);
  });

  test('replay: a stopped run that had found a violation reproduces it, and exits 1 for it, not 130', async () => {
    const file = stoppedRecording(config('tce-storm', 1, 200_000_000, ['unpin-before-kill']), 20_000);
    expect(file.first?.rule).toBe('translation.stale-tce');
    const r = await replay(file);
    expect(r.mismatches).toEqual([]);
    expect(r.found).toEqual(file.first);
    expect(r.result!.digest).toBe(file.digest);
    expect(r.exitCode).toBe(1);
    expect(r.history.length).toBeGreaterThan(0);
  });

  test('replay: a recording written before the class `interrupted` (class clean, code 130) replays to the same events', async () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 3000);
    const r = await replay({ ...file, exit: { class: 'clean', code: 130 } });
    expect(r.interrupted?.how).toBe('same-events');
    expect(r.mismatches).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  test('replay: a stopped run whose digest differs is still NOT reproduced (exit 5)', async () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 3000);
    const r = await replay({ ...file, digest: '0123456789abcdef' });
    expect(r.mismatches).toEqual([expect.stringContaining('expected digest 0123456789abcdef')]);
    expect(r.exitCode).toBe(5);
  });

  test('replay: a stopped run whose file claims more events than the run has is NOT reproduced (exit 5)', async () => {
    const file = stoppedRecording(config('stress', 7, 20_000_000), 3000);
    const whole = await replay({ ...file, figures: { ...file.figures, events: 1e15 } });
    // The run ends first, with its own digest: only the event count tells the file is not this run.
    expect(whole.result!.engine.events).toBeLessThan(1e15);
    expect(whole.mismatches).toContainEqual(
      `expected the run to stop after 1000000000000000 events, got its end after ${whole.result!.engine.events}`,
    );
    expect(whole.exitCode).toBe(5);
  });

  test("replay: a file whose exit code is not its class's, or a clean run with a finding, is refused naming the field", async () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 3000);
    const refusal = (f: FailureFile) =>
      replay(f).then(
        () => 'replayed',
        (e: unknown) => (e instanceof ConfigError ? e.message : String(e)),
      );
    expect(await refusal({ ...file, exit: { class: 'interrupted', code: 1 } })).toBe(
      'r.json: exit.code: Expected 130 for the exit class `interrupted`, got 1',
    );
    expect(await refusal({ ...file, exit: { class: 'violation', code: 0 } })).toBe(
      'r.json: exit.code: Expected 1 for the exit class `violation`, got 0',
    );
    expect(await refusal({ ...file, exit: { class: 'violation', code: 1 }, first: null })).toBe(
      'r.json: first: Expected the first finding of a violation run, got null',
    );
    expect(
      await refusal({
        ...file,
        exit: { class: 'clean', code: 0 },
        first: { rule: 'isolation.dma', tick: 5, actors: ['gpu0'], addresses: [], message: 'm' },
      }),
    ).toBe("r.json: first: Expected no first finding in a clean run's file, got rule isolation.dma");
  });

  test('replay: a run interrupted on threads is not compared: the same run up to the tick it reached, its own outcome, never 5', async () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 3000, 'threaded');
    const r = await replay({ ...file, digest: '0123456789abcdef' }, 'inline');
    expect(r.interrupted?.how).toBe('to-tick');
    expect(r.notCompared).toMatch(/interrupted on threads, .* its digest cannot be compared/);
    expect(r.mismatches).toEqual([]);
    expect(r.config.params.durationTicks).toBe(file.figures.simulatedTicks);
    expect(r.result!.status).toBe('clean');
    expect(r.result!.simulatedTicks).toBe(file.figures.simulatedTicks);
    expect(r.exitCode).toBe(0);
  });
});

describe('shrink: a recording of a run Ctrl-C stopped', () => {
  test('shrink: one that had found something starts from its first finding, not its whole --duration', async () => {
    // 20 ms asked, stopped after 20000 events (some 0.1 ms in), its first finding at about 15 us:
    // the start re-ran all 20 ms before (QA: minutes for a long --duration).
    const c = config('flush-race', 3, 20_000_000_000, ['single-flush']);
    const file = stoppedRecording(c, 20_000);
    expect(file.first).not.toBeNull();
    const out = await shrinkFailure(file, c, registry.get('flush-race')!, { budget: 1 });
    expect(out.before.simulatedTicks).toBeLessThanOrEqual(file.figures.simulatedTicks);
    expect(out.before.simulatedTicks).toBe(file.first!.tick + 1);
  });

  test('shrink: one that had found nothing is refused as such, not as the recording of a clean run', () => {
    const file = stoppedRecording(config('stress', 7, 200_000_000), 1000);
    expect(file.first).toBeNull();
    expect(() => shrinkable(file, 'r.json')).toThrow(
      /^r\.json: Expected a failure file to shrink, got the recording of a run Ctrl-C stopped before it found anything: there is nothing to shrink; `npusim replay` it, or record a run that fails$/,
    );
    // A clean run's recording: what to do instead (QA: no next step).
    const clean = { ...file, exit: { ...file.exit, class: 'clean' as const } };
    expect(() => shrinkable(clean, 'r.json')).toThrow(
      'r.json: Expected a failure file to shrink, got the recording of a clean run: there is nothing to shrink; `npusim replay` it, or record a run that fails (another seed, a `--bug`)',
    );
  });
});

describe('replay: a free log of another run', () => {
  /**
   * A clean free run of stress seed 7, 20 us, whose logs are 50 events each with no takes, the
   * actor `edited` names given `takes` of its own: a log of no run this machine made.
   */
  function freeFile(edited?: { actor: number; takes: string }) {
    const c = config('stress', 7, 20_000_000);
    const plan = machine.planMachine(c);
    const file = buildFailureFile({
      config: c,
      workload: registry.get('stress')!,
      host: 'free',
      digest: '0123456789abcdef',
      exitClass: 'clean',
      exitCode: 0,
      first: null,
      simulatedTicks: 20_000_000,
      // The logs' own events (50 each): a file whose figures disagree with its logs is refused
      // before the replay (checkTakeLogsEnd), which is not what these tests are about.
      events: plan.actors.length * 50,
      free: {
        windowTicks: 1_000_000,
        stopped: 'end' as const,
        actors: plan.actors.map((_, i) => ({
          ...new TakeLogWriter().encode(50),
          ...(i === edited?.actor ? { takes: edited.takes } : {}),
          finishTick: 20_000_000,
        })),
      },
    });
    return { file, plan };
  }

  test('replay: a take log whose takes are not base64 is refused as such, not as a log whose digest differs (QA)', async () => {
    const { file } = freeFile({ actor: 3, takes: '!!!not base64!!!' });
    await expect(replay(file)).rejects.toThrow(
      'r.json: free.actors[3].takes: Expected base64 text (A-Z, a-z, 0-9, + and /, then at most two =), got `!!!not base64!!!`: character 1, `!`, is no base64 digit',
    );
  });

  test('replay: a log no order of steps can follow is refused naming every actor that cannot go on', async () => {
    // No takes at all, 50 events each: an actor that only acts on what it receives runs dry (the
    // chips; a GPU's engines and the coordinator's threads run on their own timers past 50).
    const { file, plan } = freeFile();
    const error = await replay(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^r\.json: free: Expected a log this run can follow/);
    expect(message).toContain(
      'got one it cannot finish (it does not belong to this run): 2 of 9 actors cannot go on (the others have followed their logs to the end)',
    );
    // The file is named once, not once per actor.
    expect(message.split('r.json').length - 1).toBe(1);
    for (const a of plan.actors.filter((x) => x.kind !== 'chip'))
      expect(message).not.toContain(`(${a.name}) has no event`);
    for (const a of plan.actors.filter((x) => x.kind === 'chip')) {
      expect(message).toMatch(
        new RegExp(
          `(?:: |; )actors\\[${a.index}\\] \\(${a.name}\\) has no event to handle at event \\d+ of 50`,
        ),
      );
    }
  });
});

describe('replay: a file whose figures or stop were edited', () => {
  test('replay: figures the digest does not cover are compared too (an edited count was reported as reproduced)', async () => {
    const c = config('stress', 7, 20_000_000);
    const raw = runInline(machine, c, { seed: c.seed, endTick: c.params.durationTicks });
    const result = assembleResult(c, machine.planMachine(c), raw);
    const file = buildFailureFile({
      config: c,
      workload: registry.get('stress')!,
      host: 'inline',
      digest: result.digest,
      exitClass: 'clean',
      exitCode: 0,
      first: null,
      simulatedTicks: result.simulatedTicks,
      events: result.engine.events,
    });
    expect((await replay(file)).mismatches).toEqual([]);
    const events = await replay({ ...file, figures: { ...file.figures, events: 5 } });
    expect(events.mismatches).toEqual([`expected 5 events (figures.events), got ${result.engine.events}`]);
    expect(events.exitCode).toBe(5);
    // A run that ran to its end reached its duration: a tick short of it is refused when read
    // (failure-file-checks.test.ts); one stopped at its first finding is compared.
    await expect(replay({ ...file, figures: { ...file.figures, simulatedTicks: 100 } })).rejects.toThrow(
      "r.json: figures.simulatedTicks: Expected the run's duration",
    );
    const first = stoppedAtFirstFinding();
    expect((await replay(first)).mismatches).toEqual([]);
    // A run stopped at its first finding reached the tick after it on every host: any other tick
    // is refused when read too (QA: an edited --stop-on-first replayed as NOT reproduced, 5).
    await expect(replay({ ...first, figures: { ...first.figures, simulatedTicks: 100 } })).rejects.toThrow(
      `r.json: figures.simulatedTicks: Expected ${first.figures.simulatedTicks} (`,
    );
    expect(first.figures.simulatedTicks).toBe(first.first!.tick + 1);
  });

  test('replay: the exit class is compared too (a violation edited into liveness was reported as reproduced, exit 1)', async () => {
    const { file, result } = inlineViolationFile(config('flush-race', 1, 30_000_000, ['single-flush']));
    expect(result.status).toBe('violation');
    const honest = await replay(file);
    expect(honest.mismatches).toEqual([]);
    expect(honest.exitCode).toBe(1);
    const edited = await replay({ ...file, exit: { class: 'liveness', code: 3 } });
    expect(edited.mismatches).toEqual([
      'expected the exit class liveness (exit.class, exit 3), got violation (exit 1)',
    ]);
    expect(edited.exitCode).toBe(5);
  });

  test('replay: onStart comes before anything runs; progress comes from the runtime as the run goes, and each display is stopped', async () => {
    const { file } = inlineViolationFile(config('flush-race', 1, 200_000_000, ['single-flush']));
    const said: string[] = [];
    const r = await replayFailure(JSON.stringify(file), 'r.json', registry, 'inline', undefined, {
      onStart: (_f, host) => said.push(`start ${host}`),
      progress: (run, label = 'replay') => {
        said.push(`show ${label} to ${run.params.durationTicks}`);
        return { update: (tick) => said.push(`at ${tick}`), stop: () => said.push(`stop ${label}`) };
      },
    });
    expect(r.mismatches).toEqual([]);
    // Some 125,000 events: the inline runtime reports every 65,536 of them.
    const ticks = said.filter((x) => x.startsWith('at ')).map((x) => Number(x.slice(3)));
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.every((t) => t > 0 && t <= 200_000_000)).toBe(true);
    expect(said).toEqual([
      'start inline',
      'show replay to 200000000',
      ...ticks.map((t) => `at ${t}`),
      'stop replay',
      // The history's run, up to the end of the finding's tick.
      `show history to ${file.first!.tick + 1}`,
      'stop history',
      // Then its shootdown's steps' (recorded-steps.ts): to a microsecond past each tick the
      // oracle's record gives one, each labelled with its place among them (QA: a free replay's,
      // each the whole log again, read as one progress going backwards).
      ...shootdownStepTicks(r).flatMap((t, i, all) => {
        const label = `history, step ${i + 1} of ${all.length}`;
        return [`show ${label} to ${t + 1_000_001}`, `stop ${label}`];
      }),
    ]);
  });

  test("replay: a free run's replay from its take log shows its progress as it goes too, and its history's run again", async () => {
    // QA: it showed none, where an inline replay shows its own (both hold this thread).
    const path = join(testTempDir('npusim-free-progress-'), 'r.json');
    const record = () =>
      cli([
        'run',
        'flush-race',
        '--bug',
        'single-flush',
        '--seed',
        '1',
        '--duration',
        '200us',
        '--free',
        '--no-failure-file',
        '--record',
        path,
      ]);
    // A free run races real threads: the bug nearly always fires within 200 us, but on a loaded
    // machine one run in CI came out clean (exit 0, no history to replay). So up to four tries for
    // a run that found it; what the test checks is the replay of that recording, not the race.
    let recordedRun = await record();
    for (let tries = 1; tries < 4 && recordedRun.code === 0; tries++) recordedRun = await record();
    expect(recordedRun.code, recordedRun.stderr).toBe(1);
    const said: string[] = [];
    const r = await replayFailure(readFileSync(path, 'utf8'), 'r.json', registry, undefined, undefined, {
      onStart: (_f, host) => said.push(`start ${host}`),
      progress: (run, label = 'replay') => {
        said.push(`show ${label} to ${run.params.durationTicks}`);
        return {
          update: (tick, events) => said.push(`at ${tick} after ${events}`),
          stop: () => said.push(`stop ${label}`),
        };
      },
    });
    expect(r.mismatches).toEqual([]);
    // Some 116,000 events: reported after about every 65,536 of them, at the least of the actors'
    // clocks (as `run --free` reports it). The history replays the whole log again, so the same.
    const replayed = said.slice(2, said.indexOf('stop replay'));
    expect(replayed.length).toBeGreaterThan(0);
    for (const line of replayed) {
      const [, tick, events] = /^at (\d+) after (\d+)$/.exec(line)!.map(Number);
      expect(tick, line).toBeGreaterThan(0);
      expect(tick, line).toBeLessThanOrEqual(200_000_000);
      expect(events, line).toBeGreaterThanOrEqual(65_536);
      expect(events, line).toBeLessThanOrEqual(r.result!.engine.events);
    }
    expect(said).toEqual([
      'start free-log',
      'show replay to 200000000',
      ...replayed,
      'stop replay',
      'show history to 200000000',
      ...replayed,
      'stop history',
      // Then its shootdown's steps' (recorded-steps.ts), each the whole log again.
      ...shootdownStepTicks(r).flatMap((_t, i, all) => {
        const label = `history, step ${i + 1} of ${all.length}`;
        return [`show ${label} to 200000000`, ...replayed, `stop ${label}`];
      }),
    ]);
  });

  test('replay: a replay that stops where the recorded run stopped (Ctrl-C, --stop-on-first) shows its progress out of that tick, and says why', async () => {
    /** What onStart and the replayed run's progress display were told of the stop. */
    const told = async (file: FailureFile) => {
      const said: unknown[] = [];
      await replayFailure(JSON.stringify(file), 'r.json', registry, 'inline', 0, {
        onStart: (_f, _host, stop) => said.push(stop),
        progress: (run, label, stop) => {
          if (label === undefined) said.push([run.params.durationTicks, stop]);
          return { update: () => {}, stop: () => {} };
        },
      });
      return said;
    };
    // QA: a run interrupted at 6.6 ms of 50 ms replayed showing `6% simulated (3.294 ms of 50 ms)`.
    const interrupted = stoppedRecording(config('stress', 7, 200_000_000), 3000);
    const at = { tick: interrupted.figures.simulatedTicks, why: 'interrupted' };
    expect(at.tick).toBeLessThan(200_000_000);
    expect(await told(interrupted)).toEqual([at, [200_000_000, at]]);
    // On threads, the same run up to that tick: the duration is the stop.
    expect(await told({ ...interrupted, options: { ...interrupted.options, host: 'threaded' } })).toEqual([
      at,
      [at.tick, at],
    ]);
    const first = stoppedAtFirstFinding();
    const stop = { tick: first.first!.tick + 1, why: 'first-finding' };
    expect(await told(first)).toEqual([stop, [30_000_000, stop]]);
  });

  test("replay: a file whose first finding's actors or addresses were edited does not reproduce (QA: it did)", async () => {
    const file = stoppedAtFirstFinding();
    const { actors, addresses } = file.first!;
    expect(actors.length).toBeGreaterThan(0);
    const edited = {
      ...file,
      first: { ...file.first!, actors: ['gpu5'], addresses: [...addresses, 0x1000] },
    };
    const r = await replay(edited);
    const hex = (a: readonly number[]) => a.map((x) => `0x${x.toString(16)}`).join(', ');
    expect(r.mismatches).toEqual([
      `expected the finding's actors gpu5, got ${actors.join(', ')}`,
      `expected the finding's addresses ${hex([...addresses, 0x1000])}, got ${hex(addresses) || 'none'}`,
    ]);
    expect(r.exitCode).toBe(5);
    // The file as written reproduces.
    expect((await replay(file)).mismatches).toEqual([]);
  });

  test("replay: a crash's file that no longer crashes says so by its finding alone, not by figures it never counted", async () => {
    // The crash never fires (its event is past the run's): the replay runs clean.
    const c = { ...config('stress', 7, 20_000_000), crashAt: { actor: 'gpu2', event: 1e12 } };
    const file = buildFailureFile({
      config: c,
      workload: registry.get('stress')!,
      host: 'inline',
      digest: NO_DIGEST,
      exitClass: 'crash',
      exitCode: 4,
      first: {
        rule: 'crash',
        tick: 5000,
        actors: ['gpu2'],
        addresses: [],
        message: 'gpu2 was told to crash',
      },
      simulatedTicks: 5000,
      events: 0,
    });
    const r = await replay(file);
    expect(r.mismatches).toEqual(['expected crash at tick 5000, got a clean run']);
    expect(r.exitCode).toBe(5);
  });

  test('replay: a free log that ended otherwise than its exit class and --stop-on-first say is refused naming free.stopped', async () => {
    const c = config('stress', 7, 20_000_000);
    const plan = machine.planMachine(c);
    const free = (stopped: 'end' | 'interrupted' | 'first-finding') => ({
      windowTicks: 1_000_000,
      stopped,
      actors: plan.actors.map(() => ({ ...new TakeLogWriter().encode(50), finishTick: 20_000_000 })),
    });
    const file = (exitClass: 'clean' | 'interrupted', stopped: 'end' | 'interrupted' | 'first-finding') =>
      buildFailureFile({
        config: c,
        workload: registry.get('stress')!,
        host: 'free',
        digest: '0123456789abcdef',
        exitClass,
        exitCode: exitClass === 'clean' ? 0 : 130,
        first: null,
        simulatedTicks: 20_000_000,
        events: 400,
        free: free(stopped),
      });
    await expect(replay(file('clean', 'interrupted'))).rejects.toThrow(
      'r.json: free.stopped: Expected `end` in the take log of a clean run without --stop-on-first, got `interrupted`',
    );
    await expect(replay(file('clean', 'first-finding'))).rejects.toThrow(
      'r.json: free.stopped: Expected `end` in the take log of a clean run without --stop-on-first, got `first-finding`',
    );
    await expect(replay(file('interrupted', 'end'))).rejects.toThrow(
      'r.json: free.stopped: Expected `interrupted` in the take log of a run whose exit class is interrupted, got `end`',
    );
  });
  test('replay: a --stop-on-first free log with an actor that finished before the stop is refused naming its finishTick', async () => {
    // Every worker of a free run stopped at its first finding ends at that stop (free-loop.ts
    // finish), so an actor that finished short of it is a log of another run, or an edit: refused
    // before the replay (exit 2), not replayed to a NOT reproduced that blames npusim (exit 5: QA).
    const c = { ...config('flush-race', 1, 30_000_000, ['single-flush']), stopOnFirst: true };
    const plan = machine.planMachine(c);
    const stop = 16_680_759;
    const first = {
      rule: 'order.atsd-released-early' as const,
      tick: stop - 1,
      actors: ['shootdown 1', 'npu0.reg0'],
      addresses: [],
      message: 'Expected npu0.reg0 held through 2 flushes, got a release after 1',
    };
    const file = (finishTicks: (i: number) => number) =>
      buildFailureFile({
        config: c,
        workload: registry.get('flush-race')!,
        host: 'free',
        digest: '0123456789abcdef',
        exitClass: 'violation',
        exitCode: 1,
        first,
        simulatedTicks: stop,
        events: plan.actors.length * 50,
        free: {
          windowTicks: 1_000_000,
          stopped: 'first-finding' as const,
          actors: plan.actors.map((_, i) => ({
            ...new TakeLogWriter().encode(50),
            finishTick: finishTicks(i),
          })),
        },
      });
    await expect(replay(file((i) => (i === 2 ? 16_680_000 : stop)))).rejects.toThrow(
      'r.json: free.actors[2].finishTick: Expected the tick the run stopped at, figures.simulatedTicks 16680759 (16.68 us), where each actor of a run stopped at its first finding (free.stopped `first-finding`) finishes; got 16680000 (759 ticks less): a log of another run?',
    );
    // Every actor at the stop passes this check (the replay then fails on these made-up takes).
    await expect(replay(file(() => stop))).rejects.toThrow(
      /^r\.json: free: Expected a log this run can follow/,
    );
  });
});

describe('replay: where a --stop-on-first run stops', () => {
  /** `npusim run ARGS --record FILE`, its exit code, and the file read back. */
  const recorded = async (args: string[], code: number) => {
    const path = join(testTempDir('npusim-sof-'), 'r.json');
    const record = () => cli(['run', ...args, '--no-failure-file', '--record', path]);
    let r = await record();
    // A free run races real threads: up to four tries for one that found what it looks for, as
    // above; what the test checks is the recording's replay, not the race.
    for (let tries = 1; tries < 4 && args.includes('--free') && r.code === 0; tries++) r = await record();
    expect(r.code, r.stderr).toBe(code);
    return { path, file: JSON.parse(readFileSync(path, 'utf8')) as FailureFile };
  };

  // Each host ends a run at the end of its first finding's tick (the free run races to its own).
  // The workload's own 800 us, not 30 us: a free run's interleaving is the machine's, and one CI
  // run of 30 us raced past the bug (exit 0); the deterministic hosts stop at the same finding
  // whatever the length, and the free run at its first one, so the length costs nothing once found
  // (and `recorded` tries a free run up to four times).
  test.each([['--inline'], ['--threads'], ['--free']])(
    'replay: the file of `run --stop-on-first %s` reached the tick after its first finding, and replays exactly',
    async (host) => {
      const { path, file } = await recorded(
        [
          'flush-race',
          '--bug',
          'single-flush',
          '--seed',
          '1',
          '--duration',
          '800us',
          '--stop-on-first',
          host,
        ],
        1,
      );
      expect(file.figures.simulatedTicks).toBe(file.first!.tick + 1);
      const r = await cli(['replay', path]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('reproduced exactly');
      // Its header says where it stops (its progress is out of that tick), under the path when the
      // line would pass 100 columns: read back whole.
      expect(unwrapped(r.stdout, 'npusim replay '.length).split('\n')[0]).toContain(
        `; to ${formatTime(file.figures.simulatedTicks)}, where the recorded run stopped at its first finding)`,
      );
    },
  );

  test("replay: a liveness failure found at the end of a --stop-on-first run (the watchdog's last look) is at its duration, and replays", async () => {
    // atsd-hang's first shootdown is overdue at tick 100378467: a run that long ends there.
    const { path, file } = await recorded(
      [
        'atsd-hang',
        '--bug',
        'atsd-no-valid-bdf',
        '--seed',
        '1',
        '--duration',
        '100378467',
        '--stop-on-first',
        '--inline',
      ],
      3,
    );
    expect([file.first!.rule, file.first!.tick, file.figures.simulatedTicks]).toEqual([
      'liveness.shootdown',
      100_378_467,
      100_378_467,
    ]);
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('reproduced exactly');
  });

  test('replay: --stop-on-first switched on by hand in the file of a run to its end is refused (exit 2) naming both fields, not NOT reproduced (5)', async () => {
    const { path, file } = await recorded(
      ['flush-race', '--bug', 'single-flush', '--seed', '1', '--duration', '30us', '--inline'],
      1,
    );
    expect(file.figures.simulatedTicks).toBe(30_000_000);
    writeFileSync(path, JSON.stringify({ ...file, options: { ...file.options, stopOnFirst: true } }));
    const r = await cli(['replay', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `figures.simulatedTicks: Expected ${file.first!.tick + 1} (25.86 us), the end of the tick of the first finding (first.tick ${file.first!.tick}), where a violation run with --stop-on-first (options.stopOnFirst true) stops; got 30000000 (30 us)`,
    );
  });
});
