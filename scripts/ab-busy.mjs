// A/B of `--workers 2` between two builds on a busy machine, for measuring a change to how workers
// wait (spinning, parking) when other processes hold the cores:
//   node scripts/ab-busy.mjs A_DIST B_DIST [rounds=6] [background=2]
// Starts `background` processes of other work (B_DIST's bench/background-load.js: inline `stress`
// runs) for the whole A/B, then each round runs one process per build (order alternating), each a
// warm-up run then two runs of 1 ms of `stress` (seed 20180601) on two workers kept between them;
// prints the median wall time per run of each build, B's speed-up, and every digest seen (they
// must be one). Both builds share the machine's load alike, round by round.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  alternateRounds,
  checkDists,
  median,
  pairedRatios,
  pairedText,
  roundsArgument,
  usageExit,
} from './ab-args.mjs';

const [, , a, b, roundsArg, backgroundArg] = process.argv;

if (process.env.AB_CHILD !== undefined) {
  const dist = process.env.AB_CHILD;
  const imp = (p) => import(pathToFileURL(join(dist, p)).href);
  const { runRaw } = await imp('src/runtime/engine.js');
  const { WorkerSet } = await imp('src/runtime/worker-set.js');
  const { loadWorkloads } = await imp('src/runtime/workload-registry.js');
  const { combineDigests } = await imp('src/runtime/digest.js');
  const w = (await loadWorkloads()).get('stress');
  const config = {
    workload: 'stress',
    seed: 20180601,
    bugs: [],
    params: { ...w.params, durationTicks: 1e9 },
  };
  const workerSet = new WorkerSet();
  const options = { host: 'threaded', placement: { kind: 'workers', count: 2 }, workerSet };
  await runRaw(config, options);
  const out = [];
  for (let i = 0; i < 2; i++) {
    const r = await runRaw(config, options);
    out.push({ wall: r.wallMs, digest: `${combineDigests(r.actorDigests)}:${r.events}` });
  }
  console.log(JSON.stringify(out));
  process.exit(0);
} else {
  const usage = usageExit('ab-busy', 'node scripts/ab-busy.mjs A_DIST B_DIST [rounds=6] [background=2]');
  checkDists(usage, a, b);
  const load = join(b, 'bench', 'background-load.js');
  if (!existsSync(load)) usage(`expected B_DIST to hold bench/background-load.js, got \`${b}\` without it`);
  const rounds = roundsArgument(usage, roundsArg, 6);
  const background = Number(backgroundArg ?? 2);
  if (!Number.isSafeInteger(background) || background < 0 || background > 16)
    usage(`expected background to be a whole number from 0 to 16, got \`${backgroundArg}\``);
  const children = Array.from({ length: background }, () =>
    fork(load, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
  await Promise.all(children.map((c) => new Promise((ok) => c.once('message', ok))));
  let runs;
  try {
    runs = alternateRounds(rounds, a, b);
  } finally {
    for (const c of children) if (c.connected) c.disconnect();
  }
  const walls = (k) => runs.res[k].map((x) => x.wall);
  const f = (k) =>
    `${median(walls(k)).toFixed(0)} ms (${walls(k)
      .map((x) => x.toFixed(0))
      .join(' ')})`;
  console.log(
    `--workers 2, 1 ms of stress, ${background} background processes: A ${f('A')} | B ${f('B')} | B speed-up ${(median(walls('A')) / median(walls('B'))).toFixed(3)}, per round ${pairedText(pairedRatios(runs.res, 'wall'))} | digests ${[...runs.digests].join(' ')}`,
  );
}
