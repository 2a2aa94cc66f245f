/* Draws the time-series charts of the meter and station pages from the JSON block
 * #series-data (see web/meters.py and web/stations.py, chart_specs): one chart per spec,
 * "bar" for meter readings (quantity per interval), "line" for station values. Missing
 * values (null) are gaps. Chart.js is served by the app: /static/vendor/chartjs/. */
(function () {
  "use strict";

  var block = document.getElementById("series-data");
  if (!block || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);

  function axis(title) {
    return {
      title: { display: Boolean(title), text: title },
      grid: { color: "#e5e7eb" },
    };
  }

  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.canvas);
    if (!canvas) {
      return;
    }
    var line = spec.type === "line";
    var timeAxis = axis(spec.categoryTitle);
    timeAxis.grid = { display: false };
    timeAxis.ticks = { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 };
    var valueAxis = axis(spec.valueTitle);
    valueAxis.beginAtZero = !line;
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: [
          {
            label: spec.series,
            data: spec.values,
            backgroundColor: spec.colour,
            borderColor: spec.colour,
            borderWidth: line ? 1.5 : 0,
            pointRadius: line && spec.values.length <= 60 ? 2 : 0,
            spanGaps: false,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: timeAxis, y: valueAxis },
      },
    });
  });
})();
