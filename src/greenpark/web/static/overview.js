/* Draws the overview's charts from the JSON block #overview-data (see web/overview.py,
 * chart_specs). Chart.js is served by the app: /static/vendor/chartjs/; the shared helpers
 * (window.greenpark.charts) by charts.js. */
(function () {
  "use strict";

  var charts = window.greenpark && window.greenpark.charts;

  /* One series of bars, upright or (spec.horizontal) lying. */
  function bars(canvas, spec) {
    var valueAxis = charts.valueAxis(spec.valueTitle);
    if (spec.integer) {
      valueAxis.ticks = { precision: 0 };
    }
    var categoryAxis = charts.categoryAxis(spec.categoryTitle);
    var options = charts.options(
      false,
      spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis }
    );
    options.indexAxis = spec.horizontal ? "y" : "x";
    var dataset = charts.seriesDataset(spec);
    dataset.borderRadius = 3;
    charts.chart(canvas, "bar", spec.labels, [dataset], options);
  }

  if (charts) {
    charts.drawAll("overview-data", bars);
  }
})();
