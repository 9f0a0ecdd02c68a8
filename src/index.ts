/**
 * npusim as a library: `import { defineWorkload, runWorkload } from 'npusim'`.
 *
 * What a user needs to write a workload (defineWorkload and its types, the parameter schema),
 * a topology (TopologySpec, the presets, the validator), and to run either without the command
 * line (runWorkload for a workload, runSimulation for a full RunConfig) and read the result
 * (RunResult, formatSummary). Everything here is also what `npusim run ./my-workload.ts` uses.
 * Also what `instanceof` needs (ConfigError for bad input; the errors a run rejects with: an
 * actor's crash, a stalled engine, a lost worker thread) and the exit-code table, the pure
 * functions behind `npusim compare` and a result file read back with its checks; a failure file
 * replayed (`npusim replay`) and shrunk (`npusim shrink`), seeds swept (`npusim sweep`), and a run
 * recorded for its trace file and HTML report (`npusim run --trace/--report`).
 */
export { findWorkload } from './api/find-workload.js';
export {
  htmlReport,
  type RecordedRunOutcome,
  type RecordRunOptions,
  recordRun,
  traceFile,
  writeHtmlReport,
  writeTraceFile,
} from './api/record-run.js';
export {
  type FailureReplay,
  type ReplayFailureFileOptions,
  replayFailureFile,
} from './api/replay-failure-file.js';
export {
  colorEnabled,
  compareResults,
  compareSets,
  evaluateHeadline,
  formatComparison,
  formatDuration,
  formatHistory,
  formatSummary,
  formatTime,
  judgeExpectation,
  parseDuration,
  parseRunResult,
} from './api/report-calls.js';
export { runSimulation } from './api/run-simulation.js';
export {
  type RunWorkloadOptions,
  runWorkload,
  type WorkloadConfigOptions,
  workloadConfig,
} from './api/run-workload.js';
export {
  type ShrinkFailureFileOptions,
  type ShrunkFailure,
  shrinkFailureFile,
} from './api/shrink-failure-file.js';
export { type SweepWorkloadOptions, sweepWorkload } from './api/sweep-workload.js';
export { AssertionFailure, ConfigError } from './core/errors.js';
export { EXIT, EXIT_CODES, type ExitCode, type ExitName } from './core/exit-codes.js';
export { RULE_NAMES, type RuleName } from './model/check/rule-names.js';
export type { Violation } from './model/check/violation.js';
export { type PresetName, TOPOLOGY_PRESETS } from './model/platform/topology-presets.js';
export type {
  GpuSpec,
  LinkEndSpec,
  LinkParams,
  LinkParamsSpec,
  SocketSpec,
  TopologySpec,
} from './model/platform/topology-spec.js';
export { validateTopologySpec } from './model/platform/validate-topology.js';
export { BUG_NAMES, BUGS, type BugName } from './model/scenario/bugs.js';
export { PROFILE_NAMES, type ProfileName } from './model/scenario/profiles.js';
export type { RunConfig } from './model/scenario/run-config.js';
export {
  defineWorkload,
  type Expectation,
  type HeadlineItem,
  type HeadlineItemInput,
  PAGE_SIZE_NAMES,
  type PageSizeName,
  type Variant,
  type VariantInput,
  validateWorkload,
  type Workload,
  type WorkloadDefinition,
} from './model/scenario/workload.js';
export {
  applySets,
  parseParams,
  type TenantInput,
  type TenantSpec,
  type WorkloadInput,
  type WorkloadParams,
  workloadParamsSchema,
} from './model/scenario/workload-params.js';
export type {
  Comparison,
  PairComparison,
  RunHeader,
  SetHeader,
} from './report/compare-results.js';
export type { CompareRow, Section, Verdict } from './report/compare-row.js';
export type { RunFile } from './report/compare-sets.js';
export type {
  ExpectationVerdict,
  HeadlineFigure,
  LinkFigures,
  RunResult,
  RunStatus,
  SocketFigures,
  VariantResult,
} from './report/run-result.js';
export type { SummaryOptions } from './report/summary.js';
export type { FailureFile, FirstFinding } from './repro/failure-file.js';
export type { HistoryLine } from './repro/history.js';
export type { ReplayHost, ReplayVerdict } from './repro/replay.js';
export type { LivenessFinding, Measures as ShrinkMeasures, ShrinkProgress } from './repro/shrink.js';
export type { EngineOptions, Host } from './runtime/engine.js';
export type { Placement } from './runtime/placement.js';
export type { RawRun } from './runtime/raw-run.js';
export { ActorCrashError, type CrashInfo, EngineStallError, WorkerLostError } from './runtime/run-errors.js';
export type { TraceOptions } from './runtime/trace-recorder.js';
export { WorkerSet } from './runtime/worker-set.js';
export { loadWorkloadFile } from './runtime/workload-file.js';
export { loadWorkloads } from './runtime/workload-registry.js';
export type { SeedRange } from './sweep/seeds.js';
export type { RuleTally, SweepSummary } from './sweep/summary.js';
