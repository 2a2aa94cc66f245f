/* Draws the energy pages' charts from the JSON block #energy-data (see web/ledger.py,
 * energy_charts and enterprise_energy_charts): "stacked" bars of tce by carrier, the
 * "sankey" energy flow (chartjs-chart-sankey) and "lines" of cumulative budget tracks.
 * Chart.js and the Sankey plugin are served by the app: /static/vendor/. Every chart has a
 * table beside it on the page, so a chart that cannot be drawn loses nothing. */
(function () {
  "use strict";

  var block = document.getElementById("energy-data");
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

  function base() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
    };
  }

  function stacked(canvas, spec) {
    var x = axis(spec.categoryTitle);
    x.stacked = true;
    x.grid = { display: false };
    var y = axis(spec.valueTitle);
    y.stacked = true;
    y.beginAtZero = true;
    var options = base();
    options.plugins = { legend: { position: "bottom" } };
    options.scales = { x: x, y: y };
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.values, backgroundColor: d.colour, stack: "total" };
        }),
      },
      options: options,
    });
  }

  function lines(canvas, spec) {
    var x = axis(spec.categoryTitle);
    x.grid = { display: false };
    var y = axis(spec.valueTitle);
    y.beginAtZero = true;
    var options = base();
    options.plugins = { legend: { position: "bottom" } };
    options.scales = { x: x, y: y };
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label,
            data: d.values,
            borderColor: d.colour,
            backgroundColor: d.colour,
            borderDash: d.dashed ? [6, 4] : [],
            pointRadius: 2,
            spanGaps: false,
          };
        }),
      },
      options: options,
    });
  }

  function sankey(canvas, spec) {
    var colours = spec.colours;
    function colour(key) {
      return colours[key] || "#6b7280";
    }
    var options = base();
    options.plugins = { legend: { display: false } };
    return new Chart(canvas, {
      type: "sankey",
      data: {
        datasets: [
          {
            label: "Energy flow [tce]",
            data: spec.flows,
            labels: spec.labels,
            colorFrom: function (c) {
              return colour(c.dataset.data[c.dataIndex].from);
            },
            colorTo: function (c) {
              return colour(c.dataset.data[c.dataIndex].to);
            },
            colorMode: "gradient",
            size: "max",
          },
        ],
      },
      options: options,
    });
  }

  var draw = { stacked: stacked, lines: lines, sankey: sankey };

  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.canvas);
    if (!canvas || !draw[spec.type]) {
      return;
    }
    draw[spec.type](canvas, spec);
  });
})();
