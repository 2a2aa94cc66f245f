/* Draws the time-series charts of the meter and station pages from the JSON block
 * #series-data (see web/meters.py and web/stations.py, chart_specs): one chart per spec,
 * "bar" for meter readings (quantity per interval), "line" for station values. Missing
 * values (null) are gaps. Chart.js is served by the app: /static/vendor/chartjs/; the
 * shared helpers (window.greenpark.charts) by charts.js. */
(function () {
  "use strict";

  var charts = window.greenpark && window.greenpark.charts;

  function series(canvas, spec) {
    var line = spec.type === "line";
    var timeAxis = charts.categoryAxis(spec.categoryTitle);
    timeAxis.ticks = { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 };
    var valueAxis = charts.axis(spec.valueTitle);
    valueAxis.beginAtZero = !line;
    var dataset = charts.seriesDataset(spec);
    dataset.borderColor = spec.colour;
    dataset.borderWidth = line ? 1.5 : 0;
    dataset.pointRadius = line && spec.values.length <= 60 ? 2 : 0;
    dataset.spanGaps = false;
    var options = charts.options(false, { x: timeAxis, y: valueAxis });
    charts.chart(canvas, line ? "line" : "bar", spec.labels, [dataset], options);
  }

  if (charts) {
    charts.drawAll("series-data", series);
  }
})();
