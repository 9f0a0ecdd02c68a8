/** A writable stream that keeps each chunk written to it, for tests of what a command prints. */
import { Writable } from 'node:stream';

export function lineSink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}
