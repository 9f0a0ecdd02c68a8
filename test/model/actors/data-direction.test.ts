/**
 * Data crosses a link once, in the direction it moves: a write's request carries it, a read's
 * request carries only the header and its completion carries the data back (to the GPU from its
 * chip, over the kind of link the request took; from the home chip over the X-bus; from the peer
 * GPU over NVLink). Checked on every message of a run that reads and writes through each path, from
 * the trace recorder's records (what each link serialised), pairing each completion with its
 * request.
 */
import { describe, expect, test } from 'vitest';
import { planMachine } from '../../../src/model/actors/machine.js';
import { HEADER_BYTES, K } from '../../../src/model/protocol/kinds.js';
import {
  DmaCompleteMsg,
  DmaRequestMsg,
  DmaStatus,
  PeerAccessMsg,
  PeerCompleteMsg,
} from '../../../src/model/protocol/messages/dma.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { mergeTraceRecords, type TraceRec } from '../../../src/report/trace/trace-records.js';
import { runRaw } from '../../../src/runtime/engine.js';
import { workloads } from '../../../workloads/index.js';

const DURATION_TICKS = 20_000_000;

async function records(): Promise<{
  recs: TraceRec[];
  dmaBytes: number;
  gpuOf: (actor: number) => number;
  kindOf: (edge: number) => string;
}> {
  const w = workloads.find((x) => x.name === 'stress')!;
  // Reads and writes on every path: UT=0 and UT=1 DMA (some landing on the other socket's RAM and
  // forwarded over the X-bus), and peer accesses.
  const c: RunConfig = {
    workload: 'stress',
    seed: 3,
    bugs: [],
    params: parseParams({ ...w.params, durationTicks: DURATION_TICKS }, 'stress'),
  };
  const plan = planMachine(c);
  const raw = await runRaw(c, {
    host: 'inline',
    trace: { capacityRecords: 2_000_000, sampleCount: 0, endTick: DURATION_TICKS },
  });
  const traces = raw.traces!;
  expect(traces.every((t) => t.droppedBefore === 0)).toBe(true);
  // A GPU actor's GPU number (`gpu3` -> 3); -1 for any other actor.
  const gpuOf = (actor: number) => {
    const a = plan.actors[actor]!;
    return a.kind === 'gpu' ? Number(a.name.slice('gpu'.length)) : -1;
  };
  return {
    recs: mergeTraceRecords(
      traces.map((t) => t.records),
      plan,
    ),
    dmaBytes: c.params.gpu.dmaBytes,
    gpuOf,
    kindOf: (edge) => plan.edges[edge]!.kind,
  };
}

describe('read data comes back with the completion, written data goes with the request', () => {
  test('DMA and peer accesses, on every hop', async () => {
    const { recs, dmaBytes, gpuOf, kindOf } = await records();
    const sent = recs.filter((r) => r.sent);
    // Each request still unanswered, by the actor that answers it, its GPU and its tag: whether
    // it writes and the kind of link it took. A forwarded DMA is two requests (GPU to chip, chip
    // to home chip), each answered over the kind of link it came by.
    const dmaWrites = new Map<string, { write: boolean; link: string }>();
    const peerWrites = new Map<string, boolean>();
    const tally = {
      reads: 0,
      writes: 0,
      forwarded: 0,
      readsBack: 0,
      readsBackOverPcie: 0,
      peerReads: 0,
      peerWrites: 0,
    };
    for (const r of sent) {
      if (r.kind === K.DMA) {
        const d = DmaRequestMsg.decode(r.m);
        expect(r.wireBytes, 'a DMA request').toBe(HEADER_BYTES + (d.write ? d.lengthBytes : 0));
        dmaWrites.set(`${r.m.destination}:${d.gpu}:${d.dma}`, { write: d.write, link: kindOf(r.edge) });
        if (gpuOf(r.m.source) < 0) tally.forwarded++;
        else if (d.write) tally.writes++;
        else tally.reads++;
      } else if (r.kind === K.DMA_COMPLETE) {
        const c = DmaCompleteMsg.decode(r.m);
        expect(r.wireBytes, 'a DMA completion').toBe(HEADER_BYTES + c.dataBytes);
        // A completion to a GPU may omit its number (the last hop of a forward): its receiver is it.
        const gpu = gpuOf(r.m.destination) >= 0 ? gpuOf(r.m.destination) : c.gpu;
        const key = `${r.m.source}:${gpu}:${c.dma}`;
        const request = dmaWrites.get(key);
        expect(request, `a completion ${key} answers a request`).toBeDefined();
        dmaWrites.delete(key);
        expect(c.dataBytes).toBe(request!.write === false && c.status === DmaStatus.ok ? dmaBytes : 0);
        expect(kindOf(r.edge), `the completion of ${key} goes back the way its request came`).toBe(
          request!.link,
        );
        if (c.dataBytes > 0) tally.readsBack++;
        if (c.dataBytes > 0 && kindOf(r.edge) === 'pcie') tally.readsBackOverPcie++;
      } else if (r.kind === K.PEER_ACCESS) {
        const p = PeerAccessMsg.decode(r.m);
        expect(r.wireBytes, 'a peer request').toBe(HEADER_BYTES + (p.write ? p.lengthBytes : 0));
        peerWrites.set(`${r.m.destination}:${r.m.source}:${p.dma}`, p.write);
        if (p.write) tally.peerWrites++;
        else tally.peerReads++;
      } else if (r.kind === K.PEER_COMPLETE) {
        const c = PeerCompleteMsg.decode(r.m);
        expect(r.wireBytes, 'a peer completion').toBe(HEADER_BYTES + c.dataBytes);
        const key = `${r.m.source}:${r.m.destination}:${c.dma}`;
        const write = peerWrites.get(key);
        expect(write, `a peer completion ${key} answers a request`).toBeDefined();
        peerWrites.delete(key);
        expect(c.dataBytes).toBe(write === false && c.status === DmaStatus.ok ? dmaBytes : 0);
      }
    }
    // The run exercised each kind of access.
    expect(tally.reads).toBeGreaterThan(100);
    expect(tally.writes).toBeGreaterThan(100);
    expect(tally.readsBack).toBeGreaterThan(100);
    expect(tally.forwarded).toBeGreaterThan(10);
    expect(tally.readsBackOverPcie).toBeGreaterThan(10);
    expect(tally.peerReads).toBeGreaterThan(10);
    expect(tally.peerWrites).toBeGreaterThan(10);
  });
});
