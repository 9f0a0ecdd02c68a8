/**
 * Simulated time as people read it: `500 ps`, `1.5 ns`, `2.346 us`, `2 ms`: the unit that leaves at
 * most four significant digits. In core so that the model's own messages (a liveness failure's
 * deadline) say times as the summary does; report/duration.ts re-exports it.
 */

/** The units formatTime writes, each with its ticks (picoseconds). */
const TIME_UNITS: readonly [string, number][] = [
  ['ps', 1],
  ['ns', 1e3],
  ['us', 1e6],
  ['ms', 1e9],
  ['s', 1e12],
];

export function formatTime(ticks: number): string {
  // The unit is chosen after rounding: 999999 ps rounds to 1000 at four digits, which is `1 us`,
  // not `1000 ns`.
  for (let i = 0; i < TIME_UNITS.length - 1; i++) {
    const [unit, per] = TIME_UNITS[i]!;
    const text = round(ticks / per);
    if (Math.abs(Number(text)) < 1000) return `${text} ${unit}`;
  }
  return `${round(ticks / 1e12)} s`;
}

function round(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/**
 * The ticks of a span written with a unit as the command line takes it (`200us`, `1.5ms`), or
 * undefined for any other text: for the hint a `...Ticks` field given such text gets (a workload
 * file's or `--set`'s: those count picoseconds). Scaled through the decimal text, as
 * report/duration.ts parseDuration does, so `1.1ms` is exactly 1100000000; a span finer than a
 * tick is undefined.
 */
export function ticksOfSpanText(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|ms|us|ns|ps)$/.exec(text.trim());
  if (m === null) return undefined;
  const scaleDigits = Math.log10(TIME_UNITS.find(([unit]) => unit === m[2])![1]);
  const [whole, frac = ''] = m[1]!.split('.');
  if (frac.length > scaleDigits) return undefined;
  const ticks = Number(`${whole}${frac.padEnd(scaleDigits, '0')}`);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}
