/**
 * `npusim list`'s workload lines (list-command.ts): under each workload, its own run as `npusim
 * run` runs it, then each variant, in one format, wrapped at 100 columns; a run whose policy its
 * profile's releases never formed says so there, not only in the run's warning.
 */
import { describe, expect, test } from 'vitest';
import { listJson, listText, runLines } from '../../src/cli/list-command.js';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import { formatDuration } from '../../src/report/duration.js';
import { workloads } from '../../workloads/index.js';

const byName = (name: string) => {
  const w = workloads.find((x) => x.name === name);
  if (w === undefined) throw new Error(`no workload ${name}`);
  return w;
};

/** The workload's block of `list`, its wrapped lines joined again (continuations under their line). */
async function block(name: string): Promise<string[]> {
  const lines = (await listText()).split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${name} `));
  const end = lines.findIndex((l, i) => (i > start && /^ {2}\S/.test(l)) || (i > start && /^\S/.test(l)));
  const joined: string[] = [];
  for (const l of lines.slice(start, end)) {
    const indent = /^ */.exec(l)![0].length;
    // A run or exposes line starts 4 columns past the description's; its continuations 2 further.
    if (joined.length > 0 && indent > 22) joined[joined.length - 1] += ` ${l.trim()}`;
    else joined.push(l.trim());
  }
  return joined;
}

describe('npusim list: each workload with its own run and its variants', () => {
  test("multi-tenant's own run says its policy, profile and expectation, before its variants (QA: only --json and the run's header did)", async () => {
    const lines = await block('multi-tenant');
    expect(lines).toContain(
      'own run per-gpu-isolated (--duration 200us, --policy per-gpu-isolated, --profile fixed, expects clean)',
    );
    const own = lines.findIndex((l) => l.startsWith('own run '));
    expect(own).toBeLessThan(lines.findIndex((l) => l.startsWith('variant per-gpu: ')));
    // The variant lines keep their format.
    expect(lines).toContain(
      'variant per-gpu: the 2018 RFC: one group per GPU, links left up (expects isolation.peer)',
    );
  });

  test('every workload has its own run line, with its label (as declared by default) and policy', async () => {
    const text = (await listText()).replace(/\s+/g, ' ');
    for (const w of workloads) {
      // An expectation is said where a run judges it: beside variants, or rules it names.
      const judged = w.variants.length > 0 || w.expect !== 'clean';
      const expects = judged ? `, expects ${w.expect === 'clean' ? 'clean' : w.expect.join(' or ')}` : '';
      expect(runLines(w)[0]).toBe(
        `own run ${w.label ?? 'as declared'} (--duration ${formatDuration(w.params.durationTicks)}, --policy ${w.params.policy}, --profile fixed${expects})`,
      );
      expect(text, w.name).toContain(runLines(w)[0]);
    }
    // No variants, `expect` clean: nothing judges it, and the line says nothing of it (QA).
    expect(runLines(byName('atsd-hang'))[0]).toBe(
      'own run as declared (--duration 300us, --policy per-gpu, --profile fixed)',
    );
  });

  test('--json carries the own run as the text says it', async () => {
    const json = JSON.parse(await listJson()) as {
      workloads: { name: string; ownRun: { label: string | null; policy: string; expect?: unknown } }[];
    };
    const of = (name: string) => json.workloads.find((w) => w.name === name)!.ownRun;
    expect(of('multi-tenant')).toEqual({
      label: 'per-gpu-isolated',
      durationTicks: 200_000_000,
      policy: 'per-gpu-isolated',
      profile: 'fixed',
      expect: 'clean',
    });
    expect(of('atsd-hang')).toEqual({
      label: null,
      durationTicks: 300_000_000,
      policy: 'per-gpu',
      profile: 'fixed',
    });
  });

  test("a variant whose policy its profile's releases never formed says so in its line (QA: guest-atsd's as-shipped, per-gpu on v5.12, only warned at run time)", async () => {
    const shipped = (await block('guest-atsd')).find((l) => l.startsWith('variant as-shipped: '));
    expect(shipped).toMatch(
      /\(--profile as-shipped, expects translation\.stale-ats or isolation\.dma; policy per-gpu is not in profile as-shipped \(Linux v5\.12 formed per-socket only\): a what-if on that release, not the machine as it shipped\)$/,
    );
    // One the release formed says nothing more: firmware-update's and tce-storm's are per-socket.
    for (const name of ['firmware-update', 'tce-storm'])
      for (const l of runLines(byName(name))) expect(l, name).not.toContain('what-if');
    // A variant that sets its own policy is judged by it: multi-tenant's per-socket, on no profile.
    expect(runLines(byName('multi-tenant')).join('\n')).not.toContain('what-if');
  });

  test('every line within 100 columns', async () => {
    for (const line of (await listText()).split('\n'))
      expect(line.length, line).toBeLessThanOrEqual(TEXT_COLUMNS);
  });
});
