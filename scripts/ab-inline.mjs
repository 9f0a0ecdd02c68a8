// A/B of the inline engine between two builds, for measuring one change on a noisy machine:
//   node scripts/ab-inline.mjs A_DIST B_DIST [rounds=6] [durationTicks=1e9]
// Each round runs one process per build (order alternating), each a warm-up run then two runs of
// `stress` (seed 20180601) inline; prints the median CPU time and wall time per event of each build,
// B's speed-up, the same per round (median and range of the rounds' ratios: how far one strays),
// and every digest seen (they must be one).
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

const [, , a, b, roundsArg, durArg] = process.argv;

if (process.env.AB_CHILD !== undefined) {
  const dist = process.env.AB_CHILD;
  const dur = Number(process.env.AB_DURATION);
  const { runRaw } = await import(pathToFileURL(join(dist, 'src', 'runtime', 'engine.js')).href);
  const { loadWorkloads } = await import(
    pathToFileURL(join(dist, 'src', 'runtime', 'workload-registry.js')).href
  );
  const { combineDigests } = await import(pathToFileURL(join(dist, 'src', 'runtime', 'digest.js')).href);
  const w = (await loadWorkloads()).get('stress');
  const config = (d) => ({
    workload: 'stress',
    seed: 20180601,
    bugs: [],
    params: { ...w.params, durationTicks: d },
  });
  await runRaw(config(2e8), { host: 'inline' });
  const out = [];
  for (let i = 0; i < 2; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runRaw(config(dur), { host: 'inline' });
    const c = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    out.push({
      cpu: ((c.user + c.system) * 1000) / r.events,
      wall: (wall * 1e6) / r.events,
      digest: `${combineDigests(r.actorDigests)}:${r.events}`,
    });
  }
  console.log(JSON.stringify(out));
} else {
  // Checked before any run: a wrong argument ends here, exit 2, naming what was expected.
  const usage = usageExit(
    'ab-inline',
    'node scripts/ab-inline.mjs A_DIST B_DIST [rounds=6] [durationTicks=1e9]',
  );
  checkDists(usage, a, b);
  const rounds = roundsArgument(usage, roundsArg, 6);
  const duration = durArg ?? '1000000000';
  if (!/^[1-9][0-9]*$/.test(duration) || !Number.isSafeInteger(Number(duration)))
    usage(`expected durationTicks to be a whole number of ticks from 1, got \`${durArg}\``);
  const { res, digests } = alternateRounds(rounds, a, b, { AB_DURATION: duration });
  const m = (k, f) => median(res[k].map((x) => x[f]));
  const f = (x) => x.toFixed(0);
  console.log(
    `A cpu ns/event ${f(m('A', 'cpu'))} wall ${f(m('A', 'wall'))} | B cpu ns/event ${f(m('B', 'cpu'))} wall ${f(m('B', 'wall'))} | ` +
      `B speed-up: cpu ${(m('A', 'cpu') / m('B', 'cpu')).toFixed(3)} wall ${(m('A', 'wall') / m('B', 'wall')).toFixed(3)} | ` +
      `per round (median, range): cpu ${pairedText(pairedRatios(res, 'cpu'))} wall ${pairedText(pairedRatios(res, 'wall'))} | digests ${[...digests].join(' ')}`,
  );
}
