/**
 * What draws the `--report` page's charts in the browser: uPlot (a 50 KB chart library, MIT) and
 * its stylesheet, read from the installed package once per process and inlined, so the page opens
 * offline, and the page's own script, which draws each chart of the JSON block (html-charts.ts)
 * and tells a headless browser when it is done. Apart from the page assembly (html-report.ts)
 * because it is code that runs in the browser, not text of the run.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LATENCY_AXIS_JS } from './latency-axis.js';

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | undefined;

function uplotFiles(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

export function uplotJs(): string {
  // `</script` cannot appear inside a script element; uPlot has none, and this keeps it so.
  return uplotFiles().js.replace(/<\/script/gi, '<\\/script');
}

export function uplotCss(): string {
  return uplotFiles().css;
}

/**
 * Draws every chart of the JSON block with uPlot. Histograms: a stepped line over log-spaced
 * bins, each bin's count drawn from the previous edge to its own upper edge (align -1); time
 * series: lines, those the data marks `dashed` in dashes (html-charts.ts ChartSeries). Sets
 * window.npusimReport once every chart is made (with each chart's dash patterns as uPlot holds
 * them, which the browser test reads); an error leaves it unset and is the browser console's (the
 * browser test fails on either).
 */
export const PAGE_JS = `
(function () {
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
  var data = JSON.parse(document.getElementById('npusim-data').textContent);
  var made = [];
  // Each chart's series' dash patterns as uPlot holds them, by chart id (the browser test reads them).
  var dashes = {};
${LATENCY_AXIS_JS}
  // uPlot's own labels for a linear axis (its numAxisVals), for the axes left to its own ticks.
  var numberText = new Intl.NumberFormat(navigator.language).format;
  // Each axis's labels as last drawn, by chart id: [x labels, y labels] (the browser test reads them).
  var axisLabels = {};
  function labelled(id, axis, text) {
    return function (u, vals) {
      var out = vals.map(function (v) { return v === null || v === undefined ? '' : text(v); });
      (axisLabels[id] = axisLabels[id] || [[], []])[axis] = out;
      return out;
    };
  }
  // Whole-number ticks, about five of them, at steps of 1, 2 or 5 times a power of ten.
  var ySplits = {};
  function wholeSplits(id) {
    return function (u, axis, min, max) {
      var span = Math.max(1, max - min), step = 1;
      for (var p = 1; step * 6 < span; p *= 10) {
        step = [1, 2, 5, 10].map(function (m) { return m * p; }).filter(function (s) { return s * 6 >= span; })[0] || 10 * p;
      }
      var out = [];
      // v || 0: a range from just below 0 started at -0, which read \`-0\`.
      for (var v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v || 0);
      ySplits[id] = out;
      return out;
    };
  }
  function longest(vals) {
    var n = 3;
    (vals || []).forEach(function (v) { n = Math.max(n, String(v).length); });
    return n;
  }
  data.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    var series = [{ label: c.xLabel }];
    c.series.forEach(function (s, i) {
      var color = palette[i % palette.length];
      series.push(c.kind === 'histogram'
        ? { label: s.label, stroke: color, fill: color + '55', width: 1.5, paths: uPlot.paths.stepped({ align: -1 }) }
        : { label: s.label, stroke: color, width: 1.5, dash: s.dashed ? [6, 4] : undefined });
    });
    var opts = {
      width: el.clientWidth || 560,
      height: 260,
      // Log x: the data's own range (uPlot would widen it to whole decades), or the round one a
      // histogram of one value spans (latencyExtentTicks, latency-axis.ts). Whole-number y: a
      // count that stayed 0 (no register ever locked) reads 0 to 1, where uPlot made it 0 to 100
      // registers; any other range is uPlot's own (its snapNumY).
      scales: {
        x: c.xLog ? { time: false, distr: 3, range: function (u, min, max) { return c.xRange || [min, max]; } } : { time: false },
        y: c.yWhole ? { range: function (u, min, max) { return min === 0 && max === 0 ? [0, 1] : uPlot.rangeNum(min, max, 0.1, true); } } : {},
      },
      // Log x: latencySplits' ticks (latency-axis.ts), each labelled (uPlot's own gave one label,
      // at the data's odd minimum, and its log filter labels powers of ten only), in the unit the
      // axis title names. y: as wide as its longest tick label, so its title clears it.
      axes: [
        c.xLog
          ? { label: c.xLabel, splits: function (u, axis, min, max) { return latencySplits(min, max); }, filter: function (u, splits) { return splits; }, values: labelled(c.id, 0, tickText) }
          : { label: c.xLabel, values: labelled(c.id, 0, numberText) },
        c.yWhole
          ? { label: c.yLabel, splits: wholeSplits(c.id), values: labelled(c.id, 1, numberText), size: function (u, vals) { return 28 + 8 * longest(vals); } }
          : { label: c.yLabel, values: labelled(c.id, 1, numberText), size: function (u, vals) { return 28 + 8 * longest(vals); } },
      ],
      series: series,
      legend: { live: false },
    };
    var rows = [c.x].concat(c.series.map(function (s) { return s.values; }));
    var u = new uPlot(opts, rows, el);
    made.push(u);
    dashes[c.id] = u.series.slice(1).map(function (s) { return s.dash || null; });
  });
  window.npusimReport = { charts: data.charts.length, drawn: made.length, ySplits: ySplits, axisLabels: axisLabels, dashes: dashes };
})();
`;
