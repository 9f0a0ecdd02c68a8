/**
 * The x axis of the HTML report's latency histograms: its unit (chosen here, for the axis title),
 * its extent where the data's would mislead (latencyExtentTicks: samples all of one value) and the
 * page-side code that places and labels its ticks (LATENCY_AXIS_JS, written into the page).
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

/**
 * HDR histograms with 3 significant figures tell values apart to about 1 part in 1000; their own min
 * and max, which a chart's bins span, are the edges of the buckets the samples fell in, not the
 * samples (a result's min and max are the samples: metrics/histogram.ts).
 */
const HISTOGRAM_RESOLUTION = 1e-3;

/**
 * A latency chart's x extent, in ticks (ps), from its bins' outer edges: those edges, unless the
 * samples were all one value to the histogram's resolution. Then the edges are one HDR bucket
 * apart (exactly 1 us read 999936 to 1000447 ps, histogramBins adds 1 ps where min equals max),
 * and the ticks inside read 1, 1.0002, 1.0004: digits the histogram cannot resolve (QA). Such a
 * chart spans a round neighbourhood of its value instead, two round steps of about 2 % either
 * side: 0.96 to 1.04 us for 1 us, ticked at 0.96, 0.98, 1, 1.02 and 1.04. The step is at least
 * half the edges' width, so the neighbourhood holds them and starts above 0 (the edges are 1 ps
 * apart at least, and the lower one is 1 ps or more).
 */
export function latencyExtentTicks(lowerTicks: number, upperTicks: number): [number, number] {
  if (!(lowerTicks > 0) || upperTicks - lowerTicks > upperTicks * HISTOGRAM_RESOLUTION + 1) {
    return [lowerTicks, upperTicks];
  }
  // The value to the histogram's 3 figures: 1 us's edges meet at 1000191 ps, whose fiftieth asks
  // for a step of 5e4 where 1e6's asks 2e4.
  const mid = Number(Math.sqrt(lowerTicks * upperTicks).toPrecision(3));
  const step = roundStepAtLeast(Math.max(mid / 50, (upperTicks - lowerTicks) / 2));
  const k = Math.round(mid / step);
  return [roundValue((k - 2) * step), roundValue((k + 2) * step)];
}

/** The smallest of 1, 2 and 5 x 10^k at or above raw (the page's niceStep, for the extent). */
function roundStepAtLeast(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = [1, 2, 5, 10].find((x) => x * p >= raw * (1 - 1e-12))!;
  return roundValue(m * p);
}

/** Drops float noise (3 * 0.05 = 0.15000000000000002), as the page's roundTick does. */
function roundValue(v: number): number {
  return Number(v.toPrecision(12));
}

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
