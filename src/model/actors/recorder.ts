/**
 * How the model records latencies without touching a clock, a thread or a Node module: the runtime
 * hands each actor a Recorder (src/metrics/node-recorder.ts gives Node's HDR histograms, which
 * cross threads and merge exactly) and the actor only ever calls `record`.
 */
export interface LatencyHistogram {
  /** Record one sample (a positive integer, in the unit the histogram's name ends with). */
  record(value: number): void;
  readonly count: number;
}

export interface Recorder {
  histogram(): LatencyHistogram;
}
