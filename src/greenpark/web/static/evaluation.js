/* Draws the Evaluation page's charts from the JSON block #evaluation-data (see
 * web/evaluation.py, evaluation_charts): the "trend" of the index (GI) over the years side
 * by side, a line, and the "gaps", horizontal bars of each scored indicator's normalised
 * distance to its leading value [%], coloured by its traffic light. Chart.js is served by
 * the app (/static/vendor/), the shared helpers (window.greenpark.charts) by charts.js.
 * Both charts have their numbers in a table on the page, so a chart that cannot be drawn
 * loses nothing. */
(function () {
  "use strict";

  var charts = window.greenpark && window.greenpark.charts;

  function trend(canvas, spec) {
    var y = charts.valueAxis(spec.valueTitle);
    if (spec.max !== null && spec.max !== undefined) {
      y.suggestedMax = spec.max;
    }
    var scales = { x: charts.categoryAxis(spec.categoryTitle), y: y };
    var datasets = spec.datasets.map(function (d) {
      return {
        label: d.label,
        data: d.values,
        borderColor: d.colour,
        backgroundColor: d.colour,
        pointRadius: 4,
        spanGaps: false,
      };
    });
    return charts.chart(canvas, "line", spec.labels, datasets, charts.options(false, scales));
  }

  function gaps(canvas, spec) {
    var x = charts.valueAxis(spec.valueTitle);
    x.max = 100;
    var scales = { x: x, y: charts.categoryAxis("") };
    var options = charts.options(false, scales);
    options.indexAxis = "y";
    var datasets = [
      { label: spec.series, data: spec.values, backgroundColor: spec.colours, barThickness: 14 },
    ];
    return charts.chart(canvas, "bar", spec.labels, datasets, options);
  }

  if (charts) {
    charts.drawAll("evaluation-data", { trend: trend, gaps: gaps });
  }
})();
