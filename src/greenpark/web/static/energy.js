/* Draws the energy pages' charts from the JSON block #energy-data (see web/ledger.py,
 * energy_charts and enterprise_energy_charts): "stacked" bars of tce by carrier, the
 * "sankey" energy flow (chartjs-chart-sankey) and "lines" of cumulative budget tracks.
 * Chart.js and the Sankey plugin are served by the app: /static/vendor/; the shared helpers
 * (window.greenpark.charts) by charts.js. Every chart has a table beside it on the page, so
 * a chart that cannot be drawn loses nothing. */
(function () {
  "use strict";

  var charts = window.greenpark && window.greenpark.charts;

  function stacked(canvas, spec) {
    var x = charts.categoryAxis(spec.categoryTitle);
    x.stacked = true;
    var y = charts.valueAxis(spec.valueTitle);
    y.stacked = true;
    var datasets = spec.datasets.map(function (d) {
      return { label: d.label, data: d.values, backgroundColor: d.colour, stack: "total" };
    });
    return charts.chart(canvas, "bar", spec.labels, datasets, charts.options(true, { x: x, y: y }));
  }

  function lines(canvas, spec) {
    var scales = {
      x: charts.categoryAxis(spec.categoryTitle),
      y: charts.valueAxis(spec.valueTitle),
    };
    var datasets = spec.datasets.map(function (d) {
      return {
        label: d.label,
        data: d.values,
        borderColor: d.colour,
        backgroundColor: d.colour,
        borderDash: d.dashed ? [6, 4] : [],
        pointRadius: 2,
        spanGaps: false,
      };
    });
    return charts.chart(canvas, "line", spec.labels, datasets, charts.options(true, scales));
  }

  function sankey(canvas, spec) {
    var colours = spec.colours;
    function colour(key) {
      return colours[key] || "#6b7280";
    }
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
      options: charts.options(false),
    });
  }

  if (charts) {
    charts.drawAll("energy-data", { stacked: stacked, lines: lines, sankey: sankey });
  }
})();
