/**
 * Sequence numbers over a long run: the counters an ActorRunner stamps on messages count up for the
 * whole run, and a dense one (on `mixed`, ~36k messages a simulated ms from gpu5 to chip1 and ~100k
 * own events of chip1) reaches their fields' widths within the durations `--duration` accepts (up
 * to 1000 s). These start the counters near their ends, as such a run reaches them.
 */
import { describe, expect, test } from 'vitest';
import type { Actor, ActorContext } from '../../src/model/actors/actor.js';
import { SeededChooser } from '../../src/model/choice/chooser.js';
import type { EdgeSpec } from '../../src/model/platform/link-timing.js';
import type { SimMessage } from '../../src/model/protocol/sim-message.js';
import { ActorRunner } from '../../src/runtime/actor-runner.js';
import { emptyMessage, MESSAGE_BYTES, readMessage, writeMessage } from '../../src/transport/codec.js';

const edge: EdgeSpec = {
  index: 0,
  from: 0,
  to: 1,
  kind: 'nvlink',
  label: 'a->b nvlink',
  latencyTicks: 1000,
  bytesPerSecond: 1e9,
  jitterTicks: 0,
};
const plan = {
  actors: [
    { index: 0, name: 'a', kind: 'gpu' as const },
    { index: 1, name: 'b', kind: 'gpu' as const },
  ],
  edges: [edge],
};

/** An actor that counts the timers it is handed (a departure is the runtime's and never reaches it). */
function probe(): Actor & { handled: number[] } {
  const handled: number[] = [];
  return {
    index: 0,
    name: 'a',
    kind: 'gpu',
    handled,
    start: () => undefined,
    handle: (m: SimMessage, _c: ActorContext) => {
      handled.push(m.tag);
    },
    finish: () => {
      throw new Error('unused');
    },
    progress: () => 0,
  };
}

function runner(actor: Actor, sent: SimMessage[], timers: SimMessage[]): ActorRunner {
  return new ActorRunner(
    actor,
    plan,
    new SeededChooser(1),
    (_e, m) => sent.push({ ...m }),
    (m) => timers.push(m),
  );
}

describe('sequence numbers near the ends of their fields', () => {
  test('timers past 2^31 on one actor are still timers, not deferred departures', () => {
    const actor = probe();
    const timers: SimMessage[] = [];
    const r = runner(actor, [], timers);
    // The actor's 2^31 - 1st timer and the next ones.
    (r as unknown as { selfSeq: number }).selfSeq = 2 ** 31 - 1;
    for (let i = 0; i < 3; i++) r.schedule(10, { kind: 1, tag: i });
    for (const m of timers) r.handle(m);
    expect(actor.handled).toEqual([0, 1, 2]);
  });

  test('sends past 2^32 to one destination still encode into a ring record', () => {
    const sent: SimMessage[] = [];
    const r = runner(probe(), sent, []);
    (r as unknown as { seqTo: number[] }).seqTo[1] = 2 ** 32 - 2;
    for (let i = 0; i < 4; i++) r.send(0, { kind: 1, tag: i }, 64);
    const words = new Uint32Array(MESSAGE_BYTES / 4);
    const back = emptyMessage();
    for (const m of sent) {
      // The threaded host's staging (staged-edge.ts) encodes every send so.
      writeMessage(words, 0, m);
      readMessage(words, 0, back);
      expect(back.seq).toBe(m.seq);
    }
    expect(sent.map((m) => m.seq)).toEqual([2 ** 32 - 2, 2 ** 32 - 1, 0, 1]);
  });

  test('sends on one edge either side of the wrap arrive at increasing ticks, so never tie on seq', () => {
    const sent: SimMessage[] = [];
    const r = runner(probe(), sent, []);
    (r as unknown as { seqTo: number[] }).seqTo[1] = 2 ** 32 - 1;
    // Sent at one clock, zero-byte: the link alone keeps them apart.
    r.send(0, { kind: 1 }, 0);
    r.send(0, { kind: 1 }, 0);
    expect(sent.map((m) => m.seq)).toEqual([2 ** 32 - 1, 0]);
    expect(sent[1]!.timeTicks).toBeGreaterThan(sent[0]!.timeTicks);
  });
});
