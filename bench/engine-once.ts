/**
 * One engine run in a process of its own, for `npm run bench -- engine --start cold`: the way
 * `npusim run` meets the engine, with nothing compiled yet (the bench's own process has run the
 * engine before, so its inline runs after the first find V8's optimised code ready; a worker
 * thread never does). The bench starts this file with `node` once per run:
 *
 *   node dist/bench/engine-once.js '{"workload":W,"seed":S,"durationTicks":T,"options":{...}[,"root":DIR]}'
 *
 * Without `root` it runs this build's engine; with it, the engine of the build whose `dist/` DIR
 * holds (`--baseline`).
 * Prints one line of JSON: events, wallMs and reachedTick of the run (RawRun), and its digest.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunConfig } from '../src/model/scenario/run-config.js';
import { combineDigests } from '../src/runtime/digest.js';
import { type EngineOptions, runRaw } from '../src/runtime/engine.js';
import type { RawRun } from '../src/runtime/raw-run.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';

export interface OnceRequest {
  root?: string;
  workload: string;
  seed: number;
  durationTicks: number;
  options: EngineOptions;
}

export interface OnceResult {
  events: number;
  wallMs: number;
  reachedTick: number;
  digest: string;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '') as OnceRequest;
  const { run, workloads } = req.root === undefined ? thisBuild() : await olderBuild(req.root);
  const w = (await workloads()).get(req.workload);
  if (w === undefined)
    throw new Error(`engine-once: no workload ${req.workload} in ${req.root ?? 'this build'}`);
  // An older build's params are its own shape, typed as this build's (as the warm path does).
  const config: RunConfig = {
    workload: req.workload,
    seed: req.seed,
    bugs: [],
    params: { ...w.params, durationTicks: req.durationTicks },
  };
  const raw = await run(config, req.options);
  const out: OnceResult = {
    events: raw.events,
    wallMs: raw.wallMs,
    reachedTick: raw.reachedTick,
    digest: combineDigests(raw.actorDigests),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

interface Engine {
  run: (config: RunConfig, options: EngineOptions) => Promise<RawRun>;
  workloads: () => Promise<Map<string, { params: RunConfig['params'] }>>;
}

function thisBuild(): Engine {
  return { run: runRaw, workloads: loadWorkloads };
}

async function olderBuild(dir: string): Promise<Engine> {
  const root = pathToFileURL(`${resolve(dir)}/`);
  const engine = (await import(new URL('dist/src/runtime/engine.js', root).href)) as {
    runRaw: Engine['run'];
  };
  const registry = (await import(new URL('dist/src/runtime/workload-registry.js', root).href)) as {
    loadWorkloads: Engine['workloads'];
  };
  return { run: engine.runRaw, workloads: registry.loadWorkloads };
}

await main();
