import { describe, expect, test } from 'vitest';
import { newMessage } from '../../src/model/protocol/sim-message.js';
import {
  EventRecord,
  eventAt,
  firstDivergence,
  type RecordedEvent,
  recordedEvents,
} from '../../src/runtime/digest.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import * as mesh from '../fixtures/mesh-machine.js';

const config: mesh.MeshConfig = { actors: 5, tokens: 8, latencyTicks: 2_000, jitterTicks: 300 };

describe('inline runtime', () => {
  test('the same seed twice gives the same digest and the same per-actor event counts', () => {
    const a = runInline(mesh, config, { seed: 7, endTick: 2_000_000 });
    const b = runInline(mesh, config, { seed: 7, endTick: 2_000_000 });
    expect(a.events).toBeGreaterThan(1000);
    expect(a.actorDigests).toEqual(b.actorDigests);
    expect(a.actorEvents).toEqual(b.actorEvents);
  });

  test('different seeds give different digests', () => {
    const a = runInline(mesh, config, { seed: 1, endTick: 1_000_000 });
    const b = runInline(mesh, config, { seed: 2, endTick: 1_000_000 });
    expect(a.actorDigests).not.toEqual(b.actorDigests);
  });

  test('conservation: every message sent was handled or is still in flight', () => {
    const r = runInline(mesh, config, { seed: 3, endTick: 1_500_000 });
    r.sentPerEdge.forEach((sent, e) => {
      expect(r.receivedPerEdge[e]! + r.inFlightPerEdge[e]!).toBe(sent);
    });
    expect(r.inFlightPerEdge.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
  });

  test("handler times: every event counted once, by its actor and kind, and the run's digest unchanged", () => {
    let now = 0;
    // A clock that moves 2 ms per read: every handler takes exactly 2 ms.
    const clockMs = () => (now += 2);
    const plain = runInline(mesh, config, { seed: 5, endTick: 1_000_000 });
    const timed = runInline(mesh, config, { seed: 5, endTick: 1_000_000, timeEvents: true, clockMs });
    expect(timed.actorDigests).toEqual(plain.actorDigests);
    expect(plain.eventCosts).toBeUndefined();
    const costs = timed.eventCosts!;
    expect(costs.map((actor) => actor.reduce((s, c) => s + c.events, 0))).toEqual(timed.actorEvents);
    for (const actor of costs) {
      expect(actor.length).toBeGreaterThan(0);
      for (const c of actor) expect(c.ms).toBe(2 * c.events);
      expect(actor.map((c) => c.kind)).toEqual([...actor.map((c) => c.kind)].sort((a, b) => a - b));
    }
  });

  test('a stop request ends the run early and says so: polled before the first event, then every stopCheckEvery events', () => {
    let polls = 0;
    const r = runInline(mesh, config, {
      seed: 3,
      endTick: 1e12,
      stopCheckEvery: 1000,
      shouldStop: () => ++polls >= 4,
    });
    expect(r.stopped).toBe('interrupted');
    expect(r.events).toBe(3000);
    // Asked before it began (Ctrl-C as the run before it ended): nothing handled.
    const none = runInline(mesh, config, { seed: 3, endTick: 1e12, shouldStop: () => true });
    expect(none).toMatchObject({ stopped: 'interrupted', events: 0 });
    // By default within 4096 events, however short the run (it was 65,536, with progress).
    let asked = 0;
    const soon = runInline(mesh, config, { seed: 3, endTick: 1e12, shouldStop: () => ++asked >= 2 });
    expect(soon).toMatchObject({ stopped: 'interrupted', events: 4096 });
  });

  test('progress is called back after every progressEvery events, with the count and the tick reached, in order', () => {
    const calls: { tick: number; events: number }[] = [];
    const r = runInline(mesh, config, {
      seed: 3,
      endTick: 2_000_000,
      progressEvery: 700,
      onProgress: (tick, events) => calls.push({ tick, events }),
    });
    expect(r.events).toBeGreaterThan(2100);
    expect(calls.map((c) => c.events)).toEqual(
      Array.from({ length: Math.floor(r.events / 700) }, (_, i) => 700 * (i + 1)),
    );
    // Ticks never go back, and none is past the run's end.
    calls.forEach((c, i) => {
      expect(c.tick).toBeGreaterThanOrEqual(i === 0 ? 0 : calls[i - 1]!.tick);
      expect(c.tick).toBeLessThanOrEqual(r.reachedTick);
    });
    // The same run called back or not: the same events.
    expect(runInline(mesh, config, { seed: 3, endTick: 2_000_000 }).actorDigests).toEqual(r.actorDigests);
  });
});

describe('digest: naming the first divergence', () => {
  test('an EventRecord keeps the first `limit` events, in order, past its first growth', () => {
    const r = new EventRecord(1500);
    for (let i = 0; i < 2000; i++) {
      const m = newMessage();
      m.timeTicks = i * 10;
      m.kind = i % 7;
      m.source = 2;
      m.seq = i;
      m.address = 2 ** 40 + i;
      m.tag = 9;
      r.push(m);
    }
    expect(r.length).toBe(1500);
    const packed = r.packed();
    expect(packed.length).toBe(1500 * 6);
    expect(eventAt(packed, 0)).toEqual([0, 0, 2, 0, 2 ** 40, 9]);
    expect(eventAt(packed, 1499)).toEqual([14990, 1499 % 7, 2, 1499, 2 ** 40 + 1499, 9]);
    expect(eventAt(packed, 1500)).toBeUndefined();
    expect(recordedEvents(packed)[1024]).toEqual([10240, 1024 % 7, 2, 1024, 2 ** 40 + 1024, 9]);
    expect(new EventRecord(0).packed().length).toBe(0);
  });

  test('firstDivergence names the actor and index of the first differing event, or a missing one', () => {
    type Stream = RecordedEvent[][];
    const a: Stream = [
      [[1, 2, 3, 4, 5, 6]],
      [
        [7, 1, 1, 0, 0, 0],
        [9, 1, 1, 1, 0, 0],
      ],
    ];
    const b: Stream = [
      [[1, 2, 3, 4, 5, 6]],
      [
        [7, 1, 1, 0, 0, 0],
        [9, 1, 1, 1, 0, 1],
      ],
    ];
    // Packed as a run's result holds them (EventRecord.packed): six numbers an event.
    const packed = (x: Stream): Float64Array[] => x.map((s) => Float64Array.from(s.flat()));
    expect(firstDivergence(packed(a), packed(a))).toBeUndefined();
    const d = firstDivergence(packed(a), packed(b));
    expect(d).toMatchObject({ actor: 1, index: 1, a: [9, 1, 1, 1, 0, 0], b: [9, 1, 1, 1, 0, 1] });
    const short = firstDivergence(packed(a), packed([a[0]!]));
    expect(short).toMatchObject({ actor: 1, index: 0, a: [7, 1, 1, 0, 0, 0], b: undefined });
    // One event more on one side: the first past the other's end.
    const longer = firstDivergence(packed(a), packed([a[0]!, [...a[1]!, [11, 1, 1, 2, 0, 0]]]));
    expect(longer).toMatchObject({ actor: 1, index: 2, a: undefined, b: [11, 1, 1, 2, 0, 0] });
  });
});
