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
