/**
 * A failing run's failure file (src/repro/failure-file.ts), written into the failures directory
 * (made if missing), and the one line to paste: `npusim replay FILE`. A file that cannot be
 * written is said on stderr; the run's own exit code stands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig, Workload } from '../model/scenario/workload.js';
import type { RunResult } from '../report/run-result.js';
import { buildFailureFile, type FirstFinding, failureFileName } from '../repro/failure-file.js';
import { crashFinding, exitClassOf, firstFinding } from '../repro/first-finding.js';
import type { CliIo } from './cli-io.js';

export function writeFailureFile(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  dir: string | undefined,
  io: CliIo,
): string | undefined {
  if (dir === undefined) return undefined;
  let first: FirstFinding | undefined;
  let exitClass: 'violation' | 'liveness' | 'crash' | undefined;
  if (result.status === 'crash' && result.crash !== undefined) {
    first = crashFinding(result.crash);
    exitClass = 'crash';
  } else if (result.status === 'violation' || result.status === 'liveness') {
    first = firstFinding(result);
    exitClass = exitClassOf(result);
  }
  if (first === undefined || exitClass === undefined) return undefined;
  const file = buildFailureFile({
    config,
    workload,
    host: result.host,
    digest: result.digest === '' ? '0000000000000000' : result.digest,
    exitClass,
    exitCode: result.exitCode,
    first,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
  });
  const path = join(dir, failureFileName(file));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  } catch (e) {
    io.stderr.write(`npusim: the failure file ${path} was not written: ${(e as Error).message}\n`);
    return undefined;
  }
  io.stderr.write(`npusim: failure file written; replay it with:\nnpusim replay ${path}\n`);
  return path;
}
