import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DmaTags } from '../../../../src/model/actors/gpu/dma-tags.js';
import { TAG_SPAN } from '../../../../src/model/protocol/wire.js';

/** The definition: some tag in flight was issued before `before` (modulo the span). */
function scan(inFlight: Iterable<number>, before: number): boolean {
  for (const tag of inFlight) {
    const age = (before - tag + TAG_SPAN) % TAG_SPAN;
    if (age > 0 && age < TAG_SPAN / 2) return true;
  }
  return false;
}

type Step = { op: 'issue' } | { op: 'complete'; pick: number } | { op: 'ask'; back: number };

describe('DmaTags', () => {
  test('dma-tags: olderInFlight agrees with a scan of every tag in flight, across the wrap', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ op: 'issue' as const }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('complete' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('ask' as const), back: fc.nat(40) }) },
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 400, size: 'max' }), (nearWrap, steps) => {
        // Some runs start a few tags short of the wrap, as a long run reaches it.
        const tags = new DmaTags(8, nearWrap ? TAG_SPAN - 20 : 0);
        const live: number[] = [];
        for (const s of steps) {
          if (s.op === 'issue') {
            const tag = tags.newTag();
            tags.inFlight.set(tag, 0);
            live.push(tag);
          } else if (s.op === 'complete' && live.length > 0) {
            const [tag] = live.splice(s.pick % live.length, 1);
            tags.inFlight.delete(tag!);
          } else if (s.op === 'ask') {
            // `before` is the next tag as a flush saw it, up to 40 issues ago.
            const before = (tags.nextTag - s.back + TAG_SPAN) % TAG_SPAN;
            expect(tags.olderInFlight(before)).toBe(scan(live, before));
          }
        }
        expect(tags.olderInFlight(tags.nextTag)).toBe(live.length > 0);
      }),
      { seed: 20180601, numRuns: 150 },
    );
  });
});
