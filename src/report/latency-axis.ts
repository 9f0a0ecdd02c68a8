/**
 * The x axis of the HTML report's latency histograms: its unit (chosen here, for the axis title)
 * and the page-side code that places and labels its ticks (LATENCY_AXIS_JS, written into the page).
 *
 * The axis stays logarithmic whatever the range: the bins are log-spaced (histogramBins), so on a
 * log axis each bin has the same width and the heights compare as a distribution; on a linear axis
 * the top bin of a decade-wide chart would be ten times as wide as the bottom one and the shape
 * would lean right. What adapts is where the ticks go. A wide range (tails over decades) reads best
 * at 1, 2 and 5 of each decade, or powers of ten alone past three decades. A narrow range reads
 * best at round, evenly spaced values: peer access latency at seed 3 ran 1.006 to 1.257 us, which
 * held no 1, 2 or 5 x 10^k, and the chart had no tick at all (QA); at 1.05, 1.1, .. 1.25 an
 * engineer reads the spread straight off the axis, which min and max ticks alone would not give.
 *
 * The tick code is page JavaScript, not TypeScript turned into a string by `toString()`: a
 * function compiled by tsx or vitest can carry helper calls (`__name`) that do not exist in the
 * page. test/report/latency-axis.test.ts runs this very text.
 */

/** The axis title: what is measured, its unit (the one the tick labels are in) and the scale. */
export function latencyAxisTitle(unitName: string): string {
  return `latency (${unitName}, log scale)`;
}

/**
 * Defines, in the page, `latencySplits(min, max)` (tick values from min to max, both in the
 * chart's unit, at least three of them for any range with max > min > 0) and `tickText(v)` (a
 * tick's label: the number alone, its unit being in the title).
 */
export const LATENCY_AXIS_JS = `
function roundTick(v) {
  // Drops float noise (3 * 0.05 = 0.15000000000000002), so a label reads as the value meant.
  return Number(v.toPrecision(12));
}
function evenTicks(min, max, step) {
  var out = [];
  var first = Math.ceil(min / step - 1e-9);
  // Bounded: a step is at least a tenth of the range, so no more than eleven ticks.
  for (var k = first; k <= first + 11 && k * step <= max * (1 + 1e-12); k++) out.push(roundTick(k * step));
  return out;
}
function niceStep(raw) {
  // The smallest of 1, 2 and 5 x 10^k at or above raw.
  var p = Math.pow(10, Math.floor(Math.log10(raw)));
  var m = [1, 2, 5, 10].filter(function (x) { return x * p >= raw * (1 - 1e-12); })[0];
  return roundTick(m * p);
}
function smallerStep(step) {
  // The next of 1, 2 and 5 x 10^k below step.
  var p = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
  var m = roundTick(step / p);
  return roundTick(m === 1 ? p / 2 : m === 2 ? p : 2 * p);
}
function latencySplits(min, max) {
  if (!(min > 0) || !(max > min)) return min > 0 ? [min] : [];
  var decades = Math.log10(max / min);
  // Wide: 1, 2 and 5 of each decade; past three decades, powers of ten (24 labels crowd), and
  // every other one past eight.
  var marks = decades > 3 ? [1] : [1, 2, 5];
  var every = Math.max(1, Math.ceil(decades / 8));
  var out = [];
  for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    if (((e % every) + every) % every !== 0) continue;
    marks.forEach(function (m) {
      var v = roundTick(m * Math.pow(10, e));
      if (v >= min && v <= max) out.push(v);
    });
  }
  if (out.length >= 3) return out;
  // Narrow (under about half a decade): a round step, about a fifth of the range. That gives 2 to
  // 6 ticks; 2 is too few to read a spread by, and the next step down gives at least 4.
  var step = niceStep((max - min) / 5);
  var even = evenTicks(min, max, step);
  return even.length >= 3 ? even : evenTicks(min, max, smallerStep(step));
}
function tickText(v) {
  // uPlot passes null for a tick it leaves unlabelled (no room).
  return v === null || v === undefined ? '' : String(roundTick(v));
}
`;
