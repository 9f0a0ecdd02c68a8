/**
 * Ring benchmark: records per second through the SharedArrayBuffer ring, with the real codec on
 * both sides (the producer encodes every field of every record and checksums it, the consumer
 * decodes every field and checksums it), against postMessage of the same 32-byte records.
 *
 * Cases: one producer/consumer pair at batch 1, 16 and 256; 8 pairs at once at batch 16 (16
 * threads, more than the cores: the aggregate must not collapse); postMessage between two workers.
 * Each case is the median of RUNS runs, each with fresh threads; a run's rate is records over the
 * span from the earliest start to the latest end across its threads (start-up and the start gate
 * are outside the span). Checksums and counts are compared on every run: a benchmark that loses a
 * record fails. Also measured, in this thread: the codec alone, checked vs unchecked encode.
 */
import { availableParallelism, loadavg } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { emptyMessage, readMessage, writeMessage, writeMessageUnchecked } from '../src/transport/codec.js';
import { Doorbell } from '../src/transport/doorbell.js';
import { createRingBuffer, type RingStats } from '../src/transport/ring.js';
import type { BenchOptions } from './main.js';
import { trafficMessage } from './peers/ring-traffic.js';
import { startWorkerGroup, type WorkerSpec } from './worker-group.js';

const RUNS = 5;
const CAPACITY_RECORDS = 16384;
const RUN_TIMEOUT_MS = 120_000;

interface Done {
  records: number;
  checksum: number;
  startMs: number;
  endMs: number;
  stats?: RingStats;
}

interface CaseResult {
  name: string;
  pairs: number;
  batch: number | null;
  recordsPerRun: number;
  runsRecordsPerSecond: number[];
  medianRecordsPerSecond: number;
  fullStalls: number;
  parks: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function rateOf(done: readonly Done[], records: number): number {
  const start = Math.min(...done.map((d) => d.startMs));
  const end = Math.max(...done.map((d) => d.endMs));
  return records / ((end - start) / 1000);
}

async function ringRun(pairs: number, batch: number, recordsPerPair: number) {
  const specs: WorkerSpec[] = [];
  for (let p = 0; p < pairs; p++) {
    const ring = createRingBuffer({ capacityRecords: CAPACITY_RECORDS });
    const consumerBell = Doorbell.create().buffer;
    const producerBell = Doorbell.create().buffer;
    const common = { ring, consumerBell, producerBell, batch, firstIndex: p * recordsPerPair };
    specs.push({ name: 'ring-producer', data: { ...common, count: recordsPerPair } });
    specs.push({ name: 'ring-consumer', data: { ...common } });
  }
  const done = await startWorkerGroup<Done>(specs, RUN_TIMEOUT_MS).done;
  let fullStalls = 0;
  let parks = 0;
  for (let p = 0; p < pairs; p++) {
    const sent = done[2 * p]!;
    const got = done[2 * p + 1]!;
    if (sent.records !== recordsPerPair || got.records !== recordsPerPair || sent.checksum !== got.checksum) {
      throw new Error(
        `ring pair ${p}: sent ${sent.records} (checksum ${sent.checksum}), received ${got.records} (checksum ${got.checksum})`,
      );
    }
    fullStalls += got.stats!.fullStalls;
    parks += got.stats!.parks;
  }
  return { rate: rateOf(done, pairs * recordsPerPair), fullStalls, parks };
}

async function postMessageRun(count: number) {
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

async function measure(
  name: string,
  pairs: number,
  batch: number | null,
  recordsPerRun: number,
  once: () => Promise<{ rate: number; fullStalls: number; parks: number }>,
): Promise<CaseResult> {
  const rates: number[] = [];
  let fullStalls = 0;
  let parks = 0;
  for (let r = 0; r < RUNS; r++) {
    const one = await once();
    rates.push(one.rate);
    fullStalls += one.fullStalls;
    parks += one.parks;
  }
  return {
    name,
    pairs,
    batch,
    recordsPerRun,
    runsRecordsPerSecond: rates.map(Math.round),
    medianRecordsPerSecond: Math.round(median(rates)),
    fullStalls: Math.round(fullStalls / RUNS),
    parks: Math.round(parks / RUNS),
  };
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

export async function run(opts: BenchOptions): Promise<void> {
  const log = (s: string): void => {
    if (!opts.json) process.stderr.write(s);
  };
  const cases: CaseResult[] = [];
  // The machine is shared: record how busy it was, so a reader can tell a slow run from a slow ring.
  const loadBefore = loadavg()[0]!;
  const plan: [
    string,
    number,
    number | null,
    number,
    () => Promise<{ rate: number; fullStalls: number; parks: number }>,
  ][] = [
    ['postMessage, 1 pair', 1, null, 200_000, () => postMessageRun(200_000)],
    ['ring, 1 pair, batch 1', 1, 1, 4_000_000, () => ringRun(1, 1, 4_000_000)],
    ['ring, 1 pair, batch 16', 1, 16, 16_000_000, () => ringRun(1, 16, 16_000_000)],
    ['ring, 1 pair, batch 256', 1, 256, 16_000_000, () => ringRun(1, 256, 16_000_000)],
    ['ring, 8 pairs, batch 16', 8, 16, 8 * 4_000_000, () => ringRun(8, 16, 4_000_000)],
  ];
  for (const [name, pairs, batch, records, once] of plan) {
    log(`${name} ...`);
    const c = await measure(name, pairs, batch, records, once);
    log(` ${(c.medianRecordsPerSecond / 1e6).toFixed(2)} M/s\n`);
    cases.push(c);
  }
  // Codec alone (one thread): best of RUNS, checked vs unchecked encode + full decode.
  const checked: number[] = [];
  const unchecked: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    checked.push(codecRate(true, 4_000_000));
    unchecked.push(codecRate(false, 4_000_000));
  }
  const loadAfter = loadavg()[0]!;
  const postRate = cases[0]!.medianRecordsPerSecond;
  const oneRate16 = cases[2]!.medianRecordsPerSecond;
  const summary = {
    ringBatch1OverPostMessage: cases[1]!.medianRecordsPerSecond / postRate,
    eightPairsOverOnePairBatch16: cases[4]!.medianRecordsPerSecond / oneRate16,
    codecCheckedRecordsPerSecond: Math.round(median(checked)),
    codecUncheckedRecordsPerSecond: Math.round(median(unchecked)),
    cpus: availableParallelism(),
    loadAverage1mBefore: loadBefore,
    loadAverage1mAfter: loadAfter,
  };
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'ring', runs: RUNS, capacityRecords: CAPACITY_RECORDS, cases, summary }, null, 2)}\n`,
    );
    return;
  }
  const rows = cases.map((c) => [
    c.name,
    (c.medianRecordsPerSecond / 1e6).toFixed(2),
    `x${(c.medianRecordsPerSecond / postRate).toFixed(1)}`,
    c.runsRecordsPerSecond.map((r) => (r / 1e6).toFixed(1)).join(' '),
    String(c.fullStalls),
    String(c.parks),
  ]);
  const header = [
    'case',
    'M rec/s (median)',
    'vs postMessage',
    `runs (M rec/s, ${RUNS})`,
    'full-stalls',
    'parks',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(
    `\n8 pairs / 1 pair at batch 16: ${(summary.eightPairsOverOnePairBatch16 * 100).toFixed(0)}%` +
      `   codec encode+decode in one thread: checked ${(summary.codecCheckedRecordsPerSecond / 1e6).toFixed(1)} M/s,` +
      ` unchecked ${(summary.codecUncheckedRecordsPerSecond / 1e6).toFixed(1)} M/s\n` +
      `(capacity ${CAPACITY_RECORDS} records of 32 bytes; stalls/parks are per run, summed over pairs;` +
      ` ${summary.cpus} CPUs, 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after)\n`,
  );
}
