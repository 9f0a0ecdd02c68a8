/**
 * Starts an inline run on one worker thread (inline-host.ts says why: so Ctrl-C is seen while it
 * runs) and gives the command the same control shape a threaded run has: a result promise and
 * `stop()`. Errors come back as the same classes the engine throws on the main thread, so the
 * command maps them to exit codes the same way for both hosts. The worker is always terminated
 * before the promise settles; nothing is left running.
 *
 * Shared memory: the stop word (`stopWord`, one Int32 in a SharedArrayBuffer), made here and handed
 * to the worker; `stop()` stores 1, the worker's loop loads it between events (inline-host.ts). One
 * store and loads of one word: nothing else depends on its ordering.
 */
import type { Worker } from 'node:worker_threads';
import { ConfigError } from '../core/errors.js';
import { machineModuleUrl } from '../runtime/engine.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import { createWorkerAt, inlineBundles } from '../runtime/worker-url.js';
import type { InlineHostData, InlineHostMessage, InlineRunSettings } from './inline-host.js';

export interface InlineWorkerRun {
  result: Promise<RawRun>;
  stop(): void;
}

const fromSource = import.meta.url.endsWith('.ts');

export interface InlineWorkerOptions extends InlineRunSettings {
  /** URL of the machine module (engine.ts machineModuleUrl()). */
  machineUrl: URL;
  onProgress?: (tick: number, events: number, findings: number) => void;
}

export function startInlineWorker(config: unknown, options: InlineWorkerOptions): InlineWorkerRun {
  const stopWord = new SharedArrayBuffer(4);
  const data: InlineHostData = {
    machineUrl: options.machineUrl.href,
    config,
    seed: options.seed,
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.stopOnFirst === true ? { stopOnFirst: true } : {}),
    endTick: options.endTick,
    ...(options.recordEvents === undefined ? {} : { recordEvents: options.recordEvents }),
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.stopAfterEvents === undefined ? {} : { stopAfterEvents: options.stopAfterEvents }),
    ...(options.tailEvents === undefined ? {} : { tailEvents: options.tailEvents }),
    ...(options.tailPages === undefined ? {} : { tailPages: options.tailPages }),
    ...(options.free === undefined ? {} : { free: options.free }),
    stopWord,
  };
  const worker = spawnHost(data);
  let settled = false;
  const result = new Promise<RawRun>((resolve, reject) => {
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      void worker.terminate().finally(f);
    };
    worker.on('message', (m: InlineHostMessage) => {
      switch (m.type) {
        case 'progress':
          options.onProgress?.(m.tick, m.events, m.findings);
          return;
        case 'done':
          return settle(() => resolve(m.raw));
        case 'crash':
          return settle(() => reject(new ActorCrashError(m.crash, m.traces, m.tails)));
        case 'stall':
          return settle(() => reject(new EngineStallError(m.message, m.dump)));
        case 'config':
          return settle(() => reject(new ConfigError(m.field, m.message)));
        case 'error':
          return settle(() =>
            reject(Object.assign(new Error(m.stack.split('\n')[0] ?? 'error'), { stack: m.stack })),
          );
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() =>
        reject(new Error(`inline host worker exited with code ${code} before reporting a result`)),
      ),
    );
  });
  return {
    result,
    stop: () => {
      Atomics.store(new Int32Array(stopWord), 0, 1);
    },
  };
}

function spawnHost(data: InlineHostData): Worker {
  // A run of the real machine starts on the bundles of the host and the machine: the build's, or
  // in tests the suite's (worker-url.ts inlineBundles: unbundled, the host loaded about 120
  // modules); a fixture machine still loads from source.
  const bundles = data.machineUrl === machineModuleUrl().href ? inlineBundles() : undefined;
  if (bundles !== undefined) {
    return createWorkerAt(bundles.host, { workerData: { ...data, machineUrl: bundles.machine.href } });
  }
  // From source the entry is TypeScript: createWorkerAt starts it through tsx's loader.
  return createWorkerAt(new URL(`./inline-host.${fromSource ? 'ts' : 'js'}`, import.meta.url), {
    workerData: data,
  });
}
