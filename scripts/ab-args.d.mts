// Types of scripts/ab-args.mjs (a plain script node runs as is), for its test.
export interface PairedRatios {
  median: number;
  low: number;
  high: number;
}
export declare function pairedRatios(
  res: Record<'A' | 'B', readonly ({ round: number } & Record<string, number>)[]>,
  field: string,
): PairedRatios;
export declare function pairedText(p: PairedRatios): string;
export declare function median(xs: readonly number[]): number;
