/**
 * Latencies an operation adds to only when it ends (ATSD register waits and holds, shootdowns) and
 * what they leave out: the operations still going on when the run ended, sampled then into their
 * own histograms (metric-names.ts UNFINISHED) and said beside the row, in the summary, the
 * workload's headline and the HTML report. The hold is each register's, acquire to release, as
 * the trace draws it (it was each shootdown's, from its first register won to its completion).
 */
import { describe, expect, it } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import { H } from '../../src/model/actors/metric-names.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { describedResult } from '../../src/report/described-result.js';
import { buildHtmlReport } from '../../src/report/html-report.js';
import type { RunResult } from '../../src/report/run-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { unfinishedOf } from '../../src/report/unfinished-text.js';
import { runRaw } from '../../src/runtime/engine.js';
import { workloads } from '../../workloads/index.js';
import { cli } from '../cli/cli-harness.js';

async function run(name: string, bugs: BugName[]): Promise<{ result: RunResult; html: string }> {
  const w = workloads.find((x) => x.name === name)!;
  const config: RunConfig = {
    workload: name,
    seed: 1,
    bugs,
    params: parseParams({ ...w.params, durationTicks: 200_000_000 }, name),
  };
  const plan = planMachine(config);
  const raw = await runRaw(config, { host: 'inline' });
  const result = describedResult(config, plan, raw, w);
  const html = buildHtmlReport({ plan, config, result, raw });
  return { result, html };
}

/** Summed over the chips: what each left at the end (actorStates, the chip's own report). */
function chipStates(r: RunResult, key: 'atsdWaiters' | 'atsdRegistersLocked'): number {
  return Object.entries(r.actorStates)
    .filter(([actor]) => actor.startsWith('chip'))
    .reduce((n, [, s]) => n + (s[key] as number), 0);
}

/** Registers won, by host and guests: every acquire that was answered. */
const acquisitions = (r: RunResult): number =>
  Object.entries(r.counts)
    .filter(([k]) => /^atsd\.(host|guest)\.reg\d+$/.test(k))
    .reduce((n, [, v]) => n + v, 0);

describe('operations still going on at the end', () => {
  it('atsd-deadlock with release-between-flushes: every wait, hold and shootdown is counted once, ended or not, and the unended ones are said', async () => {
    const { result, html } = await run('atsd-deadlock', ['release-between-flushes']);
    const l = result.contention.latencies;
    const waiting = chipStates(result, 'atsdWaiters');
    const locked = chipStates(result, 'atsdRegistersLocked');
    const inFlight = result.actorStates.coordinator!.shootdownsInFlight as number;
    // The deadlock: CPUs still spinning, registers still held, shootdowns that never complete.
    expect(waiting).toBeGreaterThan(0);
    expect(locked).toBeGreaterThan(0);
    expect(inFlight).toBeGreaterThan(0);
    expect(l[H.atsdRegisterWaitUnfinishedTicks]!.count).toBe(waiting);
    expect(l[H.atsdHoldUnfinishedTicks]!.count).toBe(locked);
    expect(l[H.shootdownUnfinishedTicks]!.count).toBe(inFlight);
    // Each register won was held: released (the hold row) or still held (its unfinished one).
    expect(l[H.atsdHoldTicks]!.count + locked).toBe(acquisitions(result));
    // A wait still going on had lasted at least as long as any that ended.
    expect(l[H.atsdRegisterWaitUnfinishedTicks]!.max).toBeGreaterThanOrEqual(l[H.atsdRegisterWaitTicks]!.max);

    const oldest = /\+(\d+) still waiting at the end, for up to ([\d.]+ [mun]?s) so far/;
    const summary = formatSummary(result, { color: false });
    const line = oldest.exec(summary);
    expect(line, summary).not.toBeNull();
    expect(Number(line![1])).toBe(waiting);
    expect(summary).toContain(`+${inFlight} still in flight at the end`);
    expect(summary).toContain(`+${locked} still held at the end`);
    // The workload's own headline says it beside its wait p99, and the HTML report beside the row.
    const headline = result.headline!.find((h) => h.label === 'ATSD register wait p99')!;
    expect(headline.text).toContain(`+${waiting} still waiting at the end, for up to ${line![2]} so far`);
    expect(html).toContain('<th>not in the row</th>');
    expect(html).toContain(`+${waiting} still waiting at the end, for up to ${line![2]} so far`);
    // Per socket, beside the wait p99 it is not in: each chip's spinning CPUs.
    for (const s of result.contention.sockets) {
      const waiters = result.actorStates[s.chip]!.atsdWaiters as number;
      expect(s.atsdWaitingAtEnd).toBe(waiters);
      // The socket's row in the second table, the ATSD registers' (SOCKET_TABLES), last column.
      const row = summary.split('\n').filter((l) => l.startsWith(`  socket ${s.socket} (${s.chip})`))[1]!;
      expect(row.trimEnd().endsWith(waiters === 0 ? ' -' : ')')).toBe(true);
    }
    expect(result.contention.sockets.reduce((n, s) => n + (s.atsdWaitingAtEnd ?? 0), 0)).toBe(waiting);
  });

  it('a headline says what was still going on only where it changes the reading: no samples, or one lasting longer than the figure', async () => {
    let said = 0;
    let unsaid = 0;
    for (const [name, bugs] of [
      ['atsd-deadlock', ['release-between-flushes']],
      ['mixed', []],
      ['shootdown-storm', []],
    ] as [string, BugName[]][]) {
      const { result } = await run(name, bugs);
      for (const h of result.headline ?? []) {
        const item = workloads.find((w) => w.name === name)!.headline.find((x) => x.label === h.label);
        if (item === undefined || !('latency' in item)) continue;
        const open = unfinishedOf(result, item.latency);
        if (open === undefined) continue;
        const changes = h.value === null || item.stat === 'count' || open.longestTicks > h.value;
        expect(h.text.includes(open.text), `${name}: ${h.label}: ${h.text}`).toBe(changes);
        if (changes) said++;
        else unsaid++;
      }
    }
    // Both ways met: the deadlock's waits say it; a clean run's few cut-short shootdowns do not.
    expect(said).toBeGreaterThan(0);
    expect(unsaid).toBeGreaterThan(0);
  });

  it('shootdown-storm: each note beside a row is there exactly when something of its kind was still going on', async () => {
    const { result, html } = await run('shootdown-storm', []);
    const l = result.contention.latencies;
    const locked = chipStates(result, 'atsdRegistersLocked');
    const waiting = chipStates(result, 'atsdWaiters');
    const inFlight = result.actorStates.coordinator!.shootdownsInFlight as number;
    expect(acquisitions(result)).toBeGreaterThan(10);
    expect(l[H.atsdHoldTicks]!.count + locked).toBe(acquisitions(result));
    expect(l[H.atsdRegisterWaitUnfinishedTicks]!.count).toBe(waiting);
    expect(l[H.shootdownUnfinishedTicks]!.count).toBe(inFlight);
    const summary = formatSummary(result, { color: false });
    expect(summary.includes('still waiting at the end')).toBe(waiting > 0);
    expect(summary.includes('still held at the end')).toBe(locked > 0);
    expect(summary.includes('still in flight at the end')).toBe(inFlight > 0);
    expect(html.includes('<th>not in the row</th>')).toBe(waiting + locked + inFlight > 0);
  });
});

describe('the shootdowns still in flight beside shootdown.inFlightAtEnd', () => {
  /** A result with `unfinished` munmap requests still in flight, `begun` of them past their PTEs. */
  const result = (unfinished: number, begun: number | undefined) => ({
    contention: {
      latencies: {
        [H.shootdownUnfinishedTicks]: { count: unfinished, max: 5_906_431 },
      } as unknown as RunResult['contention']['latencies'],
    } as RunResult['contention'],
    ...(begun === undefined ? {} : { counts: { 'shootdown.inFlightAtEnd': begun } }),
  });

  it('says how many had begun their shootdown (the counter) and how many were still clearing PTEs', () => {
    // QA: the page read `+4 still in flight` above a counter shootdown.inFlightAtEnd of 3.
    expect(unfinishedOf(result(4, 3), H.shootdownLatencyTicks)?.text).toBe(
      '+4 still in flight at the end (3 with their shootdown begun, 1 still clearing PTEs), for up to 5.906 us so far',
    );
    // Every one begun, or no counters to read: nothing to reconcile.
    for (const r of [result(4, 4), result(4, undefined)])
      expect(unfinishedOf(r, H.shootdownLatencyTicks)?.text).toBe(
        '+4 still in flight at the end, for up to 5.906 us so far',
      );
  });
});

describe('the DMAs and peer writes still in flight at the end', () => {
  // Every GPU engine issuing each tick for 1 us: the first DMAs and peer writes take longer than
  // that, so none completes and both rows have no samples. QA's saturated 7x16 machine read
  // `peer access latency 0 - - - -` beside thousands of peer writes on 100 % busy links.
  const argv = ['run', 'mixed', '--seed', '1', '--duration', '1us', '--set', 'gpu.issueIntervalTicks=1'];
  /** The row of `label` in the latency table, and the lines said under it. */
  const rowOf = (summary: string, label: string): [string, string] => {
    const lines = summary.split('\n');
    const i = lines.findIndex((l) => l.startsWith(`  ${label}  `));
    expect(i, summary).toBeGreaterThan(0);
    let end = i + 1;
    while (lines[end]?.startsWith(' '.repeat(24))) end++;
    return [lines[i]!, lines.slice(i + 1, end).join('\n')];
  };

  it('the summary says them under the DMA and peer rows, as many as the counters in flight at the end', async () => {
    const text = await cli([...argv, '--inline']);
    const json = await cli([...argv, '--inline', '--json']);
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as RunResult;
    const dma = result.counts['dma.inFlightAtEnd']!;
    const peer = result.counts['peer.inFlightAtEnd']!;
    expect(dma).toBeGreaterThan(0);
    expect(peer).toBeGreaterThan(0);
    for (const [label, histogram, latency, n] of [
      ['DMA latency', H.dmaUnfinishedTicks, H.dmaLatencyTicks, dma],
      ['peer access latency', H.peerUnfinishedTicks, H.peerLatencyTicks, peer],
    ] as const) {
      expect(result.contention.latencies[latency]!.count).toBe(0);
      const open = result.contention.latencies[histogram]!;
      expect(open.count).toBe(n);
      // Nothing lasts longer than the run, and the oldest was issued within it.
      expect(open.max).toBeGreaterThan(0);
      expect(open.max).toBeLessThanOrEqual(result.simulatedTicks);
      const [row, under] = rowOf(text.stdout, label);
      expect(row).toMatch(/\s0\s+-\s+-\s+-\s+-$/);
      expect(under).toContain(`+${n} still in flight at the end, for up to `);
      expect(under).toContain('not in the row above');
      expect(unfinishedOf(result, latency)?.count).toBe(n);
    }
  });

  it('a threaded run samples the same', async () => {
    const inline = JSON.parse((await cli([...argv, '--inline', '--json'])).stdout) as RunResult;
    const threaded = JSON.parse((await cli([...argv, '--json'])).stdout) as RunResult;
    expect(threaded.digest).toBe(inline.digest);
    for (const h of [H.dmaUnfinishedTicks, H.peerUnfinishedTicks]) {
      expect(inline.contention.latencies[h]!.count).toBeGreaterThan(0);
      expect(threaded.contention.latencies[h]).toEqual(inline.contention.latencies[h]);
    }
  });
});

// QA: `tce.unmaps` counts an unmap at its clear and the latency row at its kill, a microsecond
// later, so a summary read 994 TCE unmaps above a row of 993 with no word of the one in between.
describe('the TCE unmaps still in flight at the end', () => {
  /**
   * mixed unmaps a TCE range every 2 us; seed 2's 50 us end inside one's microsecond, seed 4's not
   * (seed 1's did until a faulting TCE lookup paid its table fetch, which moved its timing).
   */
  const argv = (seed: number) => ['run', 'mixed', '--seed', String(seed), '--duration', '50us'];
  const rowOf = (summary: string): string[] => {
    const lines = summary.split('\n');
    const i = lines.findIndex((l) => l.startsWith('  TCE unmap latency  '));
    expect(i, summary).toBeGreaterThan(0);
    let end = i + 1;
    while (lines[end]?.startsWith(' '.repeat(24))) end++;
    return lines.slice(i, end);
  };

  it('are said under the row, as many as the unmaps counted and not in it; none, no line', async () => {
    for (const seed of [2, 4]) {
      const text = await cli([...argv(seed), '--inline']);
      const json = await cli([...argv(seed), '--inline', '--json']);
      expect([text.code, json.code]).toEqual([0, 0]);
      const result = JSON.parse(json.stdout) as RunResult;
      const ended = result.contention.latencies[H.tceUnmapLatencyTicks]!.count;
      const open = result.contention.latencies[H.tceUnmapUnfinishedTicks]!;
      expect(ended).toBeGreaterThan(0);
      expect(open.count).toBe(result.counts['tce.unmaps']! - ended);
      const [row, ...under] = rowOf(text.stdout);
      if (seed === 4) {
        expect(open.count, 'seed 4 ends between two unmaps').toBe(0);
        expect(under).toEqual([]);
        expect(unfinishedOf(result, H.tceUnmapLatencyTicks)).toBeUndefined();
        continue;
      }
      expect(open.count).toBe(1);
      // Cleared within the last microsecond (the kill comes 1 us after the clear).
      expect(open.max).toBeGreaterThan(0);
      expect(open.max).toBeLessThan(1_000_000);
      expect(row).toContain(`${ended}`);
      expect(under.join('\n')).toContain('+1 still in flight at the end, for up to ');
      expect(unfinishedOf(result, H.tceUnmapLatencyTicks)?.count).toBe(1);
    }
  });

  it('a threaded run samples the same', async () => {
    const inline = JSON.parse((await cli([...argv(2), '--inline', '--json'])).stdout) as RunResult;
    const threaded = JSON.parse((await cli([...argv(2), '--json'])).stdout) as RunResult;
    expect(threaded.digest).toBe(inline.digest);
    expect(inline.contention.latencies[H.tceUnmapUnfinishedTicks]!.count).toBe(1);
    expect(threaded.contention.latencies[H.tceUnmapUnfinishedTicks]).toEqual(
      inline.contention.latencies[H.tceUnmapUnfinishedTicks],
    );
  });
});

// QA: dma-storm's nest MMUs ran 98.9 % busy, and the trace's `nest MMU walks` tracks held 297 walks
// ending `unfinished` (queued behind the walkers or walking, the oldest 14.9 us), while the
// translation row said nothing of them: its 983 were only the walks done.
describe('the nest MMU translations still in flight at the end', () => {
  const argv = ['run', 'dma-storm', '--seed', '1', '--duration', '10us'];
  const rowOf = (summary: string): string[] => {
    const lines = summary.split('\n');
    const i = lines.findIndex((l) => l.startsWith('  nest MMU translation  '));
    expect(i, summary).toBeGreaterThan(0);
    let end = i + 1;
    while (lines[end]?.startsWith(' '.repeat(24))) end++;
    return lines.slice(i, end);
  };

  it('a saturated nest MMU says its walks queued or walking under the row, none longer than the run', async () => {
    const text = await cli([...argv, '--inline']);
    const json = await cli([...argv, '--inline', '--json']);
    expect([text.code, json.code]).toEqual([0, 0]);
    const result = JSON.parse(json.stdout) as RunResult;
    // Saturated: its walkers busy nearly the whole run.
    expect(result.contention.sockets.every((s) => (s.nmmuWalkerUtilisation ?? 0) > 0.8)).toBe(true);
    const done = result.contention.latencies[H.nmmuTranslateTicks]!;
    const open = result.contention.latencies[H.nmmuTranslateUnfinishedTicks]!;
    expect(done.count).toBe(result.counts['nmmu.translations']! + result.counts['nmmu.faults']!);
    expect(open.count).toBeGreaterThan(10);
    expect(open.max).toBeGreaterThan(0);
    expect(open.max).toBeLessThanOrEqual(result.simulatedTicks);
    const [row, ...under] = rowOf(text.stdout);
    expect(row).toContain(`${done.count}`);
    expect(under.join(' ')).toMatch(
      new RegExp(
        `\\+${open.count} still in flight at the end, for up to [0-9.]+ us so far,\\s+not in the row above`,
      ),
    );
    expect(unfinishedOf(result, H.nmmuTranslateTicks)?.count).toBe(open.count);
  });

  it('a threaded run samples the same', async () => {
    const inline = JSON.parse((await cli([...argv, '--inline', '--json'])).stdout) as RunResult;
    const threaded = JSON.parse((await cli([...argv, '--workers', '2', '--json'])).stdout) as RunResult;
    expect(threaded.digest).toBe(inline.digest);
    expect(inline.contention.latencies[H.nmmuTranslateUnfinishedTicks]!.count).toBeGreaterThan(0);
    expect(threaded.contention.latencies[H.nmmuTranslateUnfinishedTicks]).toEqual(
      inline.contention.latencies[H.nmmuTranslateUnfinishedTicks],
    );
  });
});
