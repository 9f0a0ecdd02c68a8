import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}

describe('progress', () => {
  it('progress: off a TTY, plain lines at most once per interval, in simulated time with events/s', () => {
    let now = 0;
    const { stream, lines } = sink();
    const p = createProgress({
      durationTicks: 2_000_000_000,
      stream,
      plain: false,
      intervalMs: 2000,
      clockMs: () => now,
    });
    now = 1000;
    p.update(400_000_000, 1_000_000);
    expect(lines).toHaveLength(0);
    now = 2000;
    p.update(800_000_000, 2_400_000);
    now = 3000;
    p.update(900_000_000, 2_500_000);
    p.stop();
    expect(lines).toEqual(['npusim: 40% simulated (800 us of 2 ms), 1.20M events/s\n']);
  });
});
