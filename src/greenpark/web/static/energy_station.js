/* Draws the Energy station page's charts from the JSON block #station-data (see
 * web/station_page.py, station_charts): "balance" stacked bars of a bus's flows [MW] with
 * the load as a line (and, on the electricity chart, the time-of-use price on a right-hand
 * axis), "lines" of storage levels, "onoff" stacked bars of the engines' commitment and
 * grouped "bars" of the costs by kind. Chart.js is served by the app: /static/vendor/; the
 * shared helpers (window.greenpark.charts) by charts.js. Every chart has its numbers in a
 * table on the page, so a chart that cannot be drawn loses nothing. */
(function () {
  "use strict";

  var charts = window.greenpark && window.greenpark.charts;

  /* The options of this page's charts, with axes x and y: the legend below, one tooltip
   * for all the series at a time. */
  function base(x, y) {
    var options = charts.options(true, { x: x, y: y });
    options.interaction = { mode: "index", intersect: false };
    return options;
  }

  function timeAxis(title) {
    var x = charts.categoryAxis(title);
    x.ticks = { autoSkip: true, maxTicksLimit: 13, maxRotation: 0 };
    return x;
  }

  /* A lighter tint of a #rrggbb colour (a storage's charge). */
  function light(colour) {
    return colour.length === 7 ? colour + "80" : colour;
  }

  /* The line of a series d (label, values, colour) without points. */
  function line(d) {
    return {
      label: d.label,
      data: d.values,
      borderColor: d.colour,
      backgroundColor: d.colour,
      borderWidth: 2,
      pointRadius: 0,
    };
  }

  function balance(canvas, spec) {
    var x = timeAxis(spec.categoryTitle);
    x.stacked = true;
    var y = charts.axis(spec.valueTitle);
    y.stacked = true;
    var options = base(x, y);
    var datasets = spec.datasets.map(function (d) {
      if (d.kind === "line") {
        var load = line(d);
        load.type = "line";
        load.stepped = "before";
        load.stack = "load";
        load.order = 0;
        return load;
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
      var price = line(spec.price);
      price.type = "line";
      price.borderDash = [6, 4];
      price.borderWidth = 1.5;
      price.stepped = "before";
      price.yAxisID = "price";
      price.order = 0;
      datasets.push(price);
    }
    return charts.chart(canvas, "bar", spec.labels, datasets, options);
  }

  function lines(canvas, spec) {
    var options = base(timeAxis(spec.categoryTitle), charts.valueAxis(spec.valueTitle));
    return charts.chart(canvas, "line", spec.labels, spec.datasets.map(line), options);
  }

  /* Units on (1) or off (0), stacked: the bar's height is the number of units on. */
  function onoff(canvas, spec) {
    var x = timeAxis(spec.categoryTitle);
    x.stacked = true;
    var y = charts.axis(spec.valueTitle);
    y.stacked = true;
    y.min = 0;
    y.max = spec.datasets.length;
    y.ticks = { stepSize: 1 };
    var datasets = spec.datasets.map(function (d) {
      return {
        label: d.label,
        data: d.values,
        backgroundColor: d.colour,
        barPercentage: 1.0,
        categoryPercentage: 1.0,
      };
    });
    return charts.chart(canvas, "bar", spec.labels, datasets, base(x, y));
  }

  function bars(canvas, spec) {
    var options = base(charts.categoryAxis(spec.categoryTitle), charts.valueAxis(spec.valueTitle));
    var datasets = spec.datasets.map(function (d) {
      return { label: d.label, data: d.values, backgroundColor: d.colour };
    });
    return charts.chart(canvas, "bar", spec.labels, datasets, options);
  }

  if (charts) {
    charts.drawAll("station-data", { balance: balance, lines: lines, onoff: onoff, bars: bars });
  }
})();
