/**
 * Before a run: the GPUs of the machine a run leaves out, said on stderr beside the other reach
 * notes (peer-reach.ts, inert-sets.ts): those no tenant owns (model/actors/tenant-reach.ts),
 * those of a tenant that form no ring where the run asks for a ring all-reduce (ring-reach.ts),
 * those with no TCE window where it asks for UT=1 DMA (ut1-reach.ts), and all of them where none
 * sends DMA (dma-reach.ts).
 * QA: `p2p-allreduce` with no ring anywhere answered `clean: as expected` with 0 all-reduces, and
 * `multi-tenant` on a three-socket file left two GPUs idle in its per-socket variant, set beside
 * its other runs, without a word. A workload's variants run with their own parameters, so each is
 * looked at too; a note the same in several runs is said once, naming them all. Where the runs of
 * one command draw on different GPUs, that is said too: their answers side by side compare unlike
 * machines.
 */
import { wordList } from '../core/word-list.js';
import { gpusWithoutDma } from '../model/actors/dma-reach.js';
import { gpuListText } from '../model/actors/gpu-list-text.js';
import { gpusWithoutRing } from '../model/actors/ring-reach.js';
import { gpusWithTenant, tenantlessGpus } from '../model/actors/tenant-reach.js';
import { gpusWithoutTceWindow } from '../model/actors/ut1-reach.js';
import type { World } from '../model/actors/world.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { type CliIo, sayText } from './cli-io.js';

/**
 * The notes for `config`'s run and `variants` (name and configuration), which run after it in the
 * same command; `worldOf` builds a run's world (actors/machine.ts, loaded by the caller).
 */
export function sayGpuReach(
  worldOf: (c: RunConfig) => World,
  config: RunConfig,
  io: CliIo,
  variants: readonly { name: string; config: RunConfig }[] = [],
  // A sweep's one configuration is run once a seed (QA: its note said `in this run`).
  alone = 'this run',
): void {
  const runs = [
    { where: variants.length > 0 ? "the workload's own run" : alone, world: worldOf(config) },
    ...variants.map((v) => ({ where: `variant ${v.name}`, world: worldOf(v.config) })),
  ];
  for (const note of [tenantlessGpus, gpusWithoutDma, gpusWithoutRing, gpusWithoutTceWindow]) {
    // One note for the runs it is the same in, in the order they run; a detail that differs
    // between them is said with the run it is of.
    const said = new Map<string, { head: string; why: string; at: { where: string; detail?: string }[] }>();
    for (const { where, world } of runs) {
      const n: { head: string; why: string; detail?: string } | undefined = note(world);
      if (n === undefined) continue;
      const key = `${n.head}\n${n.why}`;
      const s = said.get(key) ?? { head: n.head, why: n.why, at: [] };
      s.at.push({ where, detail: n.detail });
      said.set(key, s);
    }
    for (const { head, why, at } of said.values()) {
      const details = [...new Set(at.map((a) => a.detail))];
      const detail =
        details[0] === undefined
          ? ''
          : details.length === 1
            ? `: ${details[0]}`
            : `: ${at.map((a) => `${a.detail} (${a.where})`).join('; ')}`;
      io.stderr.write(sayText(`${head} in ${wordList(at.map((a) => a.where))}, ${why}${detail}`));
    }
  }
  const drawn = runs.map((r) => ({ where: r.where, gpus: gpusWithTenant(r.world) }));
  if (new Set(drawn.map((d) => d.gpus.join(','))).size > 1) {
    const t = runs[0]!.world.topology;
    io.stderr.write(
      sayText(
        `the runs of this command draw on different GPUs (${drawn.map((d) => `${d.where} ${gpuListText(t, d.gpus)}`).join(', ')}): their answers side by side compare unlike machines, not one machine's GPUs under each setting`,
      ),
    );
  }
}
