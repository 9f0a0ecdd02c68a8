/**
 * Recycled message objects for a thread's runners and rings (actor-runner.ts, staged-edge.ts, the
 * worker and free loops). A file apart from the runner because the loops that take messages off
 * the rings use a pool of their own too.
 */
import { newMessage, type SimMessage } from '../model/protocol/sim-message.js';

/**
 * Recycled message objects: at a million events a second, one allocation per message is most of
 * the garbage collector's work. Bounded, so a burst does not pin memory for the rest of the run.
 */
export class MessagePool {
  private readonly free: SimMessage[] = [];
  constructor(private readonly capacity = 8192) {}

  take(): SimMessage {
    return this.free.pop() ?? newMessage();
  }

  give(m: SimMessage): void {
    if (this.free.length < this.capacity) this.free.push(m);
  }
}
