/* Draws the overview's charts from the JSON block #overview-data (see web/overview.py,
 * chart_specs). Chart.js is served by the app: /static/vendor/chartjs/. */
(function () {
  "use strict";

  var block = document.getElementById("overview-data");
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
    var valueAxis = axis(spec.valueTitle);
    valueAxis.beginAtZero = true;
    if (spec.integer) {
      valueAxis.ticks = { precision: 0 };
    }
    var categoryAxis = axis(spec.categoryTitle);
    categoryAxis.grid = { display: false };
    var scales = spec.horizontal
      ? { x: valueAxis, y: categoryAxis }
      : { x: categoryAxis, y: valueAxis };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [
          {
            label: spec.series,
            data: spec.values,
            backgroundColor: spec.colour,
            borderRadius: 3,
          },
        ],
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: scales,
      },
    });
  });
})();
