/* What the page scripts drawing charts (overview.js, series.js, energy.js,
 * energy_station.js) share, as window.greenpark.charts: reading the page's JSON block of
 * chart specs, the axes, the common options and the making of a chart. templates/base.html
 * loads it (deferred) on every page given "charts", before the page's own scripts; Chart.js
 * is only looked up when a page draws, so it may come later. */
(function () {
  "use strict";

  /* An axis with a title (none if empty) and light grid lines. */
  function axis(title) {
    return {
      title: { display: Boolean(title), text: title },
      grid: { color: "#e5e7eb" },
    };
  }

  /* An axis of categories (or times): no grid lines. */
  function categoryAxis(title) {
    var a = axis(title);
    a.grid = { display: false };
    return a;
  }

  /* An axis of values starting at zero. */
  function valueAxis(title) {
    var a = axis(title);
    a.beginAtZero = true;
    return a;
  }

  /* The options of a chart: it fills its box and is drawn at once, with its legend below
   * it (legendBelow) or none, and the axes `scales` if given. */
  function options(legendBelow, scales) {
    var chartOptions = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: legendBelow ? { position: "bottom" } : { display: false } },
    };
    if (scales) {
      chartOptions.scales = scales;
    }
    return chartOptions;
  }

  /* A chart of `type` on `canvas`. */
  function chart(canvas, type, labels, datasets, chartOptions) {
    return new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: chartOptions,
    });
  }

  /* The dataset of a one-series spec: spec.series (its name), spec.values, spec.colour. */
  function seriesDataset(spec) {
    return { label: spec.series, data: spec.values, backgroundColor: spec.colour };
  }

  /* Draws each spec of the JSON block #blockId ({"charts": [spec, ...]}) on the canvas
   * #spec.canvas: with draw(canvas, spec) if draw is a function, else with draw[spec.type]
   * (a spec of another type, or without its canvas, is left out). Nothing is drawn without
   * the block or without Chart.js. */
  function drawAll(blockId, draw) {
    var block = document.getElementById(blockId);
    if (!block || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    data.charts.forEach(function (spec) {
      var canvas = document.getElementById(spec.canvas);
      var drawOne = typeof draw === "function" ? draw : draw[spec.type];
      if (!canvas || !drawOne) {
        return;
      }
      drawOne(canvas, spec);
    });
  }

  window.greenpark = window.greenpark || {};
  window.greenpark.charts = {
    axis: axis,
    categoryAxis: categoryAxis,
    valueAxis: valueAxis,
    options: options,
    chart: chart,
    seriesDataset: seriesDataset,
    drawAll: drawAll,
  };
})();
