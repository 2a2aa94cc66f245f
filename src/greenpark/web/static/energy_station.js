/* Draws the Energy station page's charts from the JSON block #station-data (see
 * web/station_page.py, station_charts): "balance" stacked bars of a bus's flows [MW] with
 * the load as a line (and, on the electricity chart, the time-of-use price on a right-hand
 * axis), "lines" of storage levels, "onoff" stacked bars of the engines' commitment and
 * grouped "bars" of the costs by kind. Chart.js is served by the app: /static/vendor/.
 * Every chart has its numbers in a table on the page, so a chart that cannot be drawn
 * loses nothing. */
(function () {
  "use strict";

  var block = document.getElementById("station-data");
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
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } },
    };
  }

  function timeAxis(title) {
    var x = axis(title);
    x.grid = { display: false };
    x.ticks = { autoSkip: true, maxTicksLimit: 13, maxRotation: 0 };
    return x;
  }

  /* A lighter tint of a #rrggbb colour (a storage's charge). */
  function light(colour) {
    return colour.length === 7 ? colour + "80" : colour;
  }

  function balance(canvas, spec) {
    var x = timeAxis(spec.categoryTitle);
    x.stacked = true;
    var y = axis(spec.valueTitle);
    y.stacked = true;
    var options = base();
    options.scales = { x: x, y: y };
    var datasets = spec.datasets.map(function (d) {
      if (d.kind === "line") {
        return {
          type: "line",
          label: d.label,
          data: d.values,
          borderColor: d.colour,
          backgroundColor: d.colour,
          borderWidth: 2,
          pointRadius: 0,
          stepped: "before",
          stack: "load",
          order: 0,
        };
      }
      return {
        type: "bar",
        label: d.label,
        data: d.values,
        backgroundColor: d.light ? light(d.colour) : d.colour,
        stack: "flows",
        barPercentage: 1.0,
        categoryPercentage: 1.0,
        order: 1,
      };
    });
    if (spec.price) {
      options.scales.price = {
        position: "right",
        title: { display: true, text: spec.price.title },
        grid: { drawOnChartArea: false },
        beginAtZero: true,
      };
      datasets.push({
        type: "line",
        label: spec.price.label,
        data: spec.price.values,
        borderColor: spec.price.colour,
        backgroundColor: spec.price.colour,
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        stepped: "before",
        yAxisID: "price",
        order: 0,
      });
    }
    return new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: options,
    });
  }

  function lines(canvas, spec) {
    var y = axis(spec.valueTitle);
    y.beginAtZero = true;
    var options = base();
    options.scales = { x: timeAxis(spec.categoryTitle), y: y };
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
            borderWidth: 2,
            pointRadius: 0,
          };
        }),
      },
      options: options,
    });
  }

  /* Units on (1) or off (0), stacked: the bar's height is the number of units on. */
  function onoff(canvas, spec) {
    var x = timeAxis(spec.categoryTitle);
    x.stacked = true;
    var y = axis(spec.valueTitle);
    y.stacked = true;
    y.min = 0;
    y.max = spec.datasets.length;
    y.ticks = { stepSize: 1 };
    var options = base();
    options.scales = { x: x, y: y };
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label,
            data: d.values,
            backgroundColor: d.colour,
            barPercentage: 1.0,
            categoryPercentage: 1.0,
          };
        }),
      },
      options: options,
    });
  }

  function bars(canvas, spec) {
    var x = axis(spec.categoryTitle);
    x.grid = { display: false };
    var y = axis(spec.valueTitle);
    y.beginAtZero = true;
    var options = base();
    options.scales = { x: x, y: y };
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.values, backgroundColor: d.colour };
        }),
      },
      options: options,
    });
  }

  var draw = { balance: balance, lines: lines, onoff: onoff, bars: bars };

  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.canvas);
    if (!canvas || !draw[spec.type]) {
      return;
    }
    draw[spec.type](canvas, spec);
  });
})();
