/* Which plotly.js bundle the charts use (dashboard/server/plotly_bundle.py): the charts bundle
   (bar, scatter) that Dash's renderer names in window._dashPlotlyJSURL, or on the map page (its
   shell preloads the map bundle) the map bundle, which has every trace type. Reached by a link
   from a page that loaded the charts bundle, a page whose figure has a trace type that bundle
   lacks (the map) is loaded afresh, with its own shell and bundle: two plotly.js bundles cannot
   share a page. */
(function () {
  "use strict";

  var chartsUrl = "";
  var plotly;

  function preloadedMap() {
    var link = document.querySelector('link[rel="preload"][href$="/plotly-map.min.js"]');
    return link ? link.href : "";
  }

  function lacksTraceType(traces, figure) {
    var data = Array.isArray(figure) ? figure : (figure && figure.data) || [];
    return data.some(function (trace) {
      return traces.indexOf(trace.type || "scatter") < 0;
    });
  }

  // A bundle names its trace types in `csecTraces` (set after the bundle is assigned, so read
  // when drawing); one without (a full plotly.js), or the preloaded map bundle, draws as it is.
  function reloadingForMissingTraces(bundle) {
    ["newPlot", "react"].forEach(function (name) {
      var draw = bundle[name];
      bundle[name] = function (gd, figure) {
        var traces = bundle.csecTraces;
        if (!traces || preloadedMap() || !lacksTraceType(traces, figure)) {
          return draw.apply(bundle, arguments);
        }
        window.location.reload();
        return new Promise(function () {});
      };
    });
    return bundle;
  }

  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () {
      return preloadedMap() || chartsUrl;
    },
    set: function (url) {
      chartsUrl = url;
    },
  });
  // A bundle's top-level `var Plotly = ...` assigns through this setter.
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () {
      return plotly;
    },
    set: function (bundle) {
      plotly = bundle ? reloadingForMissingTraces(bundle) : bundle;
    },
  });
})();
