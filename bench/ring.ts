/**
 * Ring benchmark: records per second through the SharedArrayBuffer ring, side by side in one run
 * with ringbuf.js (the npm SPSC ring over a SharedArrayBuffer) and with postMessage, all moving the
 * same 32-byte records.
 *
 * Two kinds of work per record, the same on every ring:
 * - codec: the producer draws message i, encodes every field with the range-checked codec and
 *   checksums it; the consumer decodes every field and checksums it (ring-traffic.ts). Our ring's
 *   producer encodes into a private batch and copies it into the slots (RingProducer.writeRecords),
 *   as the engine's flush does; ringbuf.js's push copies from its staging array;
 * - raw: the producer stores the record's eight words; the consumer loads them and folds them into
 *   a sum and an xor (raw-records.ts): what the ring itself costs.
 * Cases: our ring and ringbuf.js, one producer/consumer pair, each work at batch 1, 16 and 256
 * (ringbuf.js paced by the same spin-then-park rules: ringbuf-traffic.ts); the bare reference
 * ring (bare-ring.ts: no bookkeeping, the ceiling of any ring here), raw at batch 16 and 256; 8
 * pairs of our ring at batch 16, codec (16 threads, more than the cores: the aggregate must not
 * collapse); postMessage between two workers, codec.
 * Each case is the median of `--runs N` runs (default 7), each with fresh threads. The runs are interleaved (run r of
 * every case, then run r + 1), so a change in the machine's load falls on every case alike and the
 * ratios between rows stay fair; a case and its ringbuf.js twin (same work and batch) run back to
 * back, so besides the ratio of their medians the bench reports the median of their per-round
 * ratios ("paired"), which a burst of load from other processes moves less. A run's rate is
 * records over the span from the earliest start to the latest end across its threads (start-up
 * and the start gate are outside the span). Checksums
 * (codec) or digests (raw) and counts are compared on every run: a run that loses a record throws.
 * Also measured, in this thread: the codec alone, checked vs unchecked encode.
 */
import { availableParallelism, loadavg } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { emptyMessage, readMessage, writeMessage, writeMessageUnchecked } from '../src/transport/codec.js';
import { Doorbell } from '../src/transport/doorbell.js';
import { createRingBuffer, type RingStats } from '../src/transport/ring.js';
import { loadNote, median, pairedRatio } from './bench-run.js';
import type { BenchOptions } from './main.js';
import { bareRingBytes } from './peers/bare-ring.js';
import { expectedRawDigest, type RawDigest } from './peers/raw-records.js';
import { trafficMessage } from './peers/ring-traffic.js';
import { createRingbufChannel } from './peers/ringbuf-traffic.js';
import { startWorkerGroup, type WorkerSpec } from './worker-group.js';

/** Rounds of every case by default (`--runs N`: 1 to 100). */
const DEFAULT_RUNS = 7;
const CAPACITY_RECORDS = 16384;
const RUN_TIMEOUT_MS = 120_000;

interface Done {
  records: number;
  checksum: number;
  startMs: number;
  endMs: number;
  raw?: RawDigest;
  stats?: Pick<RingStats, 'fullStalls' | 'parks'>;
}

type Work = 'codec' | 'raw';

interface RunResult {
  rate: number;
  fullStalls: number;
  parks: number;
}

interface CaseResult {
  name: string;
  /** Which ring carries the records. */
  transport: 'npusim ring' | 'ringbuf.js' | 'bare ring' | 'postMessage';
  work: Work;
  pairs: number;
  batch: number | null;
  recordsPerRun: number;
  runsRecordsPerSecond: number[];
  medianRecordsPerSecond: number;
  fullStalls: number;
  parks: number;
  /** This ring over the ringbuf.js case with the same work and batch (1-pair cases with a twin). */
  vsRingbuf?: {
    /** This case's median over the twin's median. */
    ratioOfMedians: number;
    /** Median over rounds of this case's run over the twin's run in the same round. */
    medianOfRoundRatios: number;
  };
}

function rateOf(done: readonly Done[], records: number): number {
  const start = Math.min(...done.map((d) => d.startMs));
  const end = Math.max(...done.map((d) => d.endMs));
  return records / ((end - start) / 1000);
}

/** Throw unless the consumer got every record the producer sent (checksum or raw digest). */
function checkPair(label: string, sent: Done, got: Done, count: number, first: number, work: Work): void {
  if (sent.records !== count || got.records !== count) {
    throw new Error(`${label}: sent ${sent.records}, received ${got.records}, expected ${count}`);
  }
  if (work === 'codec' && sent.checksum !== got.checksum) {
    throw new Error(`${label}: sent checksum ${sent.checksum}, received ${got.checksum}`);
  }
  if (work === 'raw') {
    const want = expectedRawDigest(first, count);
    if (got.raw?.sum !== want.sum || got.raw.xor !== want.xor) {
      throw new Error(`${label}: raw digest ${JSON.stringify(got.raw)}, expected ${JSON.stringify(want)}`);
    }
  }
}

async function ringRun(pairs: number, batch: number, recordsPerPair: number, work: Work): Promise<RunResult> {
  const specs: WorkerSpec[] = [];
  const raw = work === 'raw';
  for (let p = 0; p < pairs; p++) {
    const ring = createRingBuffer({ capacityRecords: CAPACITY_RECORDS });
    const consumerBell = Doorbell.create().buffer;
    const producerBell = Doorbell.create().buffer;
    const common = { ring, consumerBell, producerBell, batch, firstIndex: p * recordsPerPair, raw };
    specs.push({ name: 'ring-producer', data: { ...common, count: recordsPerPair } });
    specs.push({ name: 'ring-consumer', data: { ...common } });
  }
  const done = await startWorkerGroup<Done>(specs, RUN_TIMEOUT_MS).done;
  let fullStalls = 0;
  let parks = 0;
  for (let p = 0; p < pairs; p++) {
    const got = done[2 * p + 1]!;
    checkPair(`ring pair ${p}`, done[2 * p]!, got, recordsPerPair, p * recordsPerPair, work);
    // Ring-wide counters (both endpoints write them into the ring's buffer).
    fullStalls += got.stats!.fullStalls;
    parks += got.stats!.parks;
  }
  return { rate: rateOf(done, pairs * recordsPerPair), fullStalls, parks };
}

async function ringbufRun(batch: number, count: number, work: Work): Promise<RunResult> {
  const channel = createRingbufChannel(CAPACITY_RECORDS);
  const common = {
    ...channel,
    consumerBell: Doorbell.create().buffer,
    producerBell: Doorbell.create().buffer,
    batch,
    raw: work === 'raw',
  };
  const done = await startWorkerGroup<Done>(
    [
      { name: 'ringbuf-peer', data: { ...common, role: 'produce', count } },
      { name: 'ringbuf-peer', data: { ...common, role: 'consume' } },
    ],
    RUN_TIMEOUT_MS,
  ).done;
  const [sent, got] = done as [Done, Done];
  checkPair('ringbuf.js', sent, got, count, 0, work);
  return {
    rate: rateOf(done, count),
    fullStalls: sent.stats!.fullStalls + got.stats!.fullStalls,
    parks: sent.stats!.parks + got.stats!.parks,
  };
}

async function bareRingRun(batch: number, count: number): Promise<RunResult> {
  const common = {
    ring: new SharedArrayBuffer(bareRingBytes(CAPACITY_RECORDS)),
    capacityRecords: CAPACITY_RECORDS,
    batch,
    count,
  };
  const done = await startWorkerGroup<Done>(
    [
      { name: 'bare-ring-peer', data: { ...common, role: 'produce' } },
      { name: 'bare-ring-peer', data: { ...common, role: 'consume' } },
    ],
    RUN_TIMEOUT_MS,
  ).done;
  const [sent, got] = done as [Done, Done];
  checkPair('bare ring', sent, got, count, 0, 'raw');
  return {
    rate: rateOf(done, count),
    fullStalls: sent.stats!.fullStalls + got.stats!.fullStalls,
    parks: sent.stats!.parks + got.stats!.parks,
  };
}

async function postMessageRun(count: number): Promise<RunResult> {
  const { port1, port2 } = new MessageChannel();
  const done = await startWorkerGroup<Done>(
    [
      { name: 'ring-postmessage', data: { role: 'send', port: port1, count }, transferList: [port1] },
      { name: 'ring-postmessage', data: { role: 'receive', port: port2, count }, transferList: [port2] },
    ],
    RUN_TIMEOUT_MS,
  ).done;
  const [sent, got] = done as [Done, Done];
  if (got.records !== count || sent.checksum !== got.checksum) {
    throw new Error(`postMessage: sent ${count} (checksum ${sent.checksum}), received ${got.records}`);
  }
  return { rate: count / ((got.endMs - sent.startMs) / 1000), fullStalls: 0, parks: 0 };
}

interface Plan {
  name: string;
  transport: CaseResult['transport'];
  work: Work;
  pairs: number;
  batch: number | null;
  recordsPerRun: number;
  once: () => Promise<RunResult>;
}

/** `runs` runs of every case, interleaved (see the header), each case summarised by its median. */
async function measureInterleaved(
  plans: readonly Plan[],
  runs: number,
  log: (s: string) => void,
): Promise<CaseResult[]> {
  const results: RunResult[][] = plans.map(() => []);
  for (let r = 0; r < runs; r++) {
    log(`round ${r + 1} of ${runs}:`);
    for (const [i, plan] of plans.entries()) {
      const one = await plan.once();
      results[i]!.push(one);
      log(` ${(one.rate / 1e6).toFixed(1)}`);
    }
    log('\n');
  }
  return plans.map((plan, i) => {
    const rates = results[i]!.map((one) => one.rate);
    return {
      name: plan.name,
      transport: plan.transport,
      work: plan.work,
      pairs: plan.pairs,
      batch: plan.batch,
      recordsPerRun: plan.recordsPerRun,
      runsRecordsPerSecond: rates.map(Math.round),
      medianRecordsPerSecond: Math.round(median(rates)),
      fullStalls: Math.round(results[i]!.reduce((a, one) => a + one.fullStalls, 0) / runs),
      parks: Math.round(results[i]!.reduce((a, one) => a + one.parks, 0) / runs),
    };
  });
}

/** Encode-only loop in this thread: the cost of the always-on range check. */
function codecRate(checked: boolean, count: number): number {
  const words = new Uint32Array(CAPACITY_RECORDS * 8);
  const m = emptyMessage();
  const out = emptyMessage();
  const mask = CAPACITY_RECORDS - 1;
  let h = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    trafficMessage(i, m);
    const off = (i & mask) * 32;
    if (checked) writeMessage(words, off, m);
    else writeMessageUnchecked(words, off, m);
    h ^= readMessage(words, off, out).seq;
  }
  const ms = performance.now() - t0;
  if (h === 0.5) throw new Error('unreachable: keeps the loop alive');
  return count / (ms / 1000);
}

/** Records per run of one pair: enough for a run of about a second at the ring's pace. */
const recordsFor = (batch: number): number => (batch === 1 ? 4_000_000 : 16_000_000);

export async function run(opts: BenchOptions): Promise<void> {
  const runs = opts.whole('runs', DEFAULT_RUNS, 1, 100);
  const log = (s: string): void => {
    if (!opts.json) process.stderr.write(s);
  };
  // The machine is shared: record how busy it was, so a reader can tell a slow run from a slow ring.
  const loadBefore = loadavg()[0]!;
  const plans: Plan[] = [
    {
      name: 'postMessage, 1 pair',
      transport: 'postMessage',
      work: 'codec',
      pairs: 1,
      batch: null,
      recordsPerRun: 200_000,
      once: () => postMessageRun(200_000),
    },
  ];
  for (const work of ['codec', 'raw'] as const) {
    for (const batch of [1, 16, 256]) {
      const records = recordsFor(batch);
      const suffix = `${work === 'raw' ? ' raw' : ''}, 1 pair, batch ${batch}`;
      plans.push({
        name: `ring${suffix}`,
        transport: 'npusim ring',
        work,
        pairs: 1,
        batch,
        recordsPerRun: records,
        once: () => ringRun(1, batch, records, work),
      });
      plans.push({
        name: `ringbuf.js${suffix}`,
        transport: 'ringbuf.js',
        work,
        pairs: 1,
        batch,
        recordsPerRun: records,
        once: () => ringbufRun(batch, records, work),
      });
      if (work === 'raw' && batch > 1) {
        plans.push({
          name: `bare ring${suffix}`,
          transport: 'bare ring',
          work,
          pairs: 1,
          batch,
          recordsPerRun: records,
          once: () => bareRingRun(batch, records),
        });
      }
    }
  }
  plans.push({
    name: 'ring, 8 pairs, batch 16',
    transport: 'npusim ring',
    work: 'codec',
    pairs: 8,
    batch: 16,
    recordsPerRun: 8 * 4_000_000,
    once: () => ringRun(8, 16, 4_000_000, 'codec'),
  });
  log(`${plans.map((p, i) => `${i + 1}. ${p.name}`).join('\n')}\nM rec/s per run, cases in that order:\n`);
  const cases = await measureInterleaved(plans, runs, log);
  // Codec alone (one thread): median of `runs`, checked vs unchecked encode + full decode.
  const checked: number[] = [];
  const unchecked: number[] = [];
  for (let r = 0; r < runs; r++) {
    checked.push(codecRate(true, 4_000_000));
    unchecked.push(codecRate(false, 4_000_000));
  }
  /** The ringbuf.js case with the same work and batch as `c`, if any. */
  const ringbufTwin = (c: CaseResult): CaseResult | undefined =>
    c.transport !== 'ringbuf.js' && c.transport !== 'postMessage' && c.pairs === 1
      ? cases.find((x) => x.transport === 'ringbuf.js' && x.work === c.work && x.batch === c.batch)
      : undefined;
  const loadAfter = loadavg()[0]!;
  for (const c of cases) {
    const twin = ringbufTwin(c);
    if (twin === undefined) continue;
    c.vsRingbuf = {
      ratioOfMedians: c.medianRecordsPerSecond / twin.medianRecordsPerSecond,
      medianOfRoundRatios: pairedRatio(c.runsRecordsPerSecond, twin.runsRecordsPerSecond),
    };
  }
  const byName = (name: string): CaseResult => {
    const c = cases.find((x) => x.name === name);
    if (c === undefined) throw new Error(`ring bench: no case named ${name}`);
    return c;
  };
  const rateOfCase = (name: string): number => byName(name).medianRecordsPerSecond;
  const postRate = rateOfCase('postMessage, 1 pair');
  const summary = {
    ringBatch1OverPostMessage: rateOfCase('ring, 1 pair, batch 1') / postRate,
    eightPairsOverOnePairBatch16:
      rateOfCase('ring, 8 pairs, batch 16') / rateOfCase('ring, 1 pair, batch 16'),
    rawRingOverRingbufRawBatch16:
      rateOfCase('ring raw, 1 pair, batch 16') / rateOfCase('ringbuf.js raw, 1 pair, batch 16'),
    rawRingOverRingbufRawBatch16Paired: byName('ring raw, 1 pair, batch 16').vsRingbuf!.medianOfRoundRatios,
    rawRingOverRingbufCodecBatch16:
      rateOfCase('ring raw, 1 pair, batch 16') / rateOfCase('ringbuf.js, 1 pair, batch 16'),
    codecRingOverRingbufCodecBatch16:
      rateOfCase('ring, 1 pair, batch 16') / rateOfCase('ringbuf.js, 1 pair, batch 16'),
    codecRingOverRingbufCodecBatch16Paired: byName('ring, 1 pair, batch 16').vsRingbuf!.medianOfRoundRatios,
    codecRingOverRingbufRawBatch16:
      rateOfCase('ring, 1 pair, batch 16') / rateOfCase('ringbuf.js raw, 1 pair, batch 16'),
    bareRingOverRingbufRawBatch16:
      rateOfCase('bare ring raw, 1 pair, batch 16') / rateOfCase('ringbuf.js raw, 1 pair, batch 16'),
    bareRingOverRingbufRawBatch16Paired: byName('bare ring raw, 1 pair, batch 16').vsRingbuf!
      .medianOfRoundRatios,
    rawRingOverBareRingBatch16:
      rateOfCase('ring raw, 1 pair, batch 16') / rateOfCase('bare ring raw, 1 pair, batch 16'),
    rawRingOverBareRingBatch256:
      rateOfCase('ring raw, 1 pair, batch 256') / rateOfCase('bare ring raw, 1 pair, batch 256'),
    codecCheckedRecordsPerSecond: Math.round(median(checked)),
    codecUncheckedRecordsPerSecond: Math.round(median(unchecked)),
    cpus: availableParallelism(),
    loadAverage1mBefore: loadBefore,
    loadAverage1mAfter: loadAfter,
  };
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'ring', runs, capacityRecords: CAPACITY_RECORDS, cases, summary }, null, 2)}\n`,
    );
    return;
  }
  const rows = cases.map((c) => {
    const vs = c.vsRingbuf;
    return [
      c.name,
      (c.medianRecordsPerSecond / 1e6).toFixed(2),
      `x${(c.medianRecordsPerSecond / postRate).toFixed(1)}`,
      vs === undefined ? '' : `x${vs.ratioOfMedians.toFixed(2)}`,
      vs === undefined ? '' : `x${vs.medianOfRoundRatios.toFixed(2)}`,
      c.runsRecordsPerSecond.map((r) => (r / 1e6).toFixed(1)).join(' '),
      String(c.fullStalls),
      String(c.parks),
    ];
  });
  const header = [
    'case',
    'M rec/s (median)',
    'vs postMessage',
    'vs ringbuf.js',
    'paired',
    `runs (M rec/s, ${runs})`,
    'full-stalls',
    'parks',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  const x = (v: number): string => `x${v.toFixed(2)}`;
  process.stdout.write(
    `\nbatch 16: raw ring / ringbuf.js raw ${x(summary.rawRingOverRingbufRawBatch16)} (paired ${x(summary.rawRingOverRingbufRawBatch16Paired)}),` +
      ` raw ring / ringbuf.js codec ${x(summary.rawRingOverRingbufCodecBatch16)},` +
      ` codec ring / ringbuf.js codec ${x(summary.codecRingOverRingbufCodecBatch16)} (paired ${x(summary.codecRingOverRingbufCodecBatch16Paired)}),` +
      ` codec ring / ringbuf.js raw ${x(summary.codecRingOverRingbufRawBatch16)}\n` +
      `bare reference ring: batch 16 / ringbuf.js raw ${x(summary.bareRingOverRingbufRawBatch16)} (paired ${x(summary.bareRingOverRingbufRawBatch16Paired)});` +
      ` raw ring / bare ring ${x(summary.rawRingOverBareRingBatch16)} at batch 16, ${x(summary.rawRingOverBareRingBatch256)} at batch 256\n` +
      `8 pairs / 1 pair at batch 16: ${(summary.eightPairsOverOnePairBatch16 * 100).toFixed(0)}%` +
      `   codec encode+decode in one thread: checked ${(summary.codecCheckedRecordsPerSecond / 1e6).toFixed(1)} M/s,` +
      ` unchecked ${(summary.codecUncheckedRecordsPerSecond / 1e6).toFixed(1)} M/s\n` +
      `(vs ringbuf.js: over the ringbuf.js row with the same work and batch, ratio of medians; paired: median of the per-round ratios; capacity ${CAPACITY_RECORDS} records of 32 bytes;` +
      ` stalls/parks are per run, summed over pairs; runs interleaved across cases;` +
      ` ${summary.cpus} CPUs, 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after)\n`,
  );
  const note = loadNote({ cpus: summary.cpus, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter });
  if (note !== undefined) process.stdout.write(`${note}\n`);
}
