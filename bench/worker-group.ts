/**
 * Start a group of worker threads behind one start gate and collect one 'done' reply from each.
 * Shared by the benchmarks and the thread tests.
 *
 * Each worker (a thin host in workers/) posts {type:'ready'} once attached and then waits at the
 * gate; when every worker is ready the gate opens; each then posts {type:'done', ...}. A worker
 * that throws, exits before replying, or a group that overruns `timeoutMs`, rejects `done` with a
 * message naming the worker and its error, and every worker of the group is terminated: a failing
 * thread never leaves a test hanging.
 */
import type { Worker } from 'node:worker_threads';
import { createWorkerAt } from '../src/runtime/worker-url.js';
import { createStartGate, openStartGate } from './peers/start-gate.js';

export interface WorkerSpec {
  /** Peer name: bench/peers/NAME.ts from source, dist/bench/peers/NAME.js from the build. */
  name: string;
  /** Passed as workerData with `gate` added. */
  data: Record<string, unknown>;
  transferList?: readonly (ArrayBuffer | import('node:worker_threads').MessagePort)[];
}

export interface WorkerGroup<R> {
  /** Resolves when every worker is ready and the gate is open. */
  ready: Promise<void>;
  /** Every worker's 'done' reply, in the order of the specs. */
  done: Promise<R[]>;
  terminate(): Promise<void>;
}

const fromSource = import.meta.url.endsWith('.ts');

/** A peer's entry file: bench/peers/NAME.ts from source, dist/bench/peers/NAME.js from the build. */
function peerEntryUrl(name: string): URL {
  if (!/^[a-z0-9-]+$/.test(name)) throw new RangeError(`Expected a peer name in kebab-case, got \`${name}\``);
  return new URL(`./peers/${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
}

export function startWorkerGroup<R = Record<string, unknown>>(
  specs: readonly WorkerSpec[],
  timeoutMs: number,
): WorkerGroup<R> {
  const gate = createStartGate();
  const workers: Worker[] = [];
  const results: (R | undefined)[] = specs.map(() => undefined);
  let readyCount = 0;
  let doneCount = 0;
  let settled = false;
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  let resolveDone!: (r: R[]) => void;
  let rejectDone!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  const done = new Promise<R[]>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  // A rejected `ready` nobody awaits must not become an unhandled rejection; `done` carries it too.
  ready.catch(() => undefined);

  const terminate = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    rejectReady(error);
    rejectDone(error);
    void terminate();
  };
  const timer = setTimeout(() => {
    fail(new Error(`worker group: ${doneCount} of ${specs.length} workers done after ${timeoutMs} ms`));
  }, timeoutMs);

  specs.forEach((spec, index) => {
    const label = `worker ${index} (${spec.name})`;
    let worker: Worker;
    try {
      worker = createWorkerAt(peerEntryUrl(spec.name), {
        workerData: { ...spec.data, gate },
        transferList: spec.transferList as never,
      });
    } catch (error) {
      fail(new Error(`${label} failed to start: ${(error as Error).message}`));
      return;
    }
    workers.push(worker);
    worker.on('message', (msg: { type?: string }) => {
      if (msg.type === 'ready') {
        if (++readyCount === specs.length) {
          openStartGate(gate);
          resolveReady();
        }
      } else if (msg.type === 'done') {
        results[index] = msg as R;
        if (++doneCount === specs.length && !settled) {
          settled = true;
          clearTimeout(timer);
          resolveDone(results as R[]);
          void terminate();
        }
      }
    });
    worker.on('error', (error) => fail(new Error(`${label} threw: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (results[index] === undefined) fail(new Error(`${label} exited with code ${code} before replying`));
    });
  });
  return { ready, done, terminate };
}
