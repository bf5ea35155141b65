/* When and which plotly.js bundle the charts load (dashboard/server/plotly_bundle.py).

   Which: the charts bundle (bar, scatter) that Dash's renderer names in
   window._dashPlotlyJSURL, or the bundle the page's shell names in #plotly-bundle (the map page:
   the map bundle, which has every trace type). Reached by a link from a page that loaded the
   charts bundle, a page whose figure has a trace type that bundle lacks (the map) is loaded
   afresh, with its own shell and bundle: two plotly.js bundles cannot share a page.

   When: once the first chart frame is on screen (or the page is printed, or its shell marks it
   eager: the county brief). dcc.Graph loads plotly.js with
   Promise.resolve(window.Plotly || <its script>); until then window.Plotly is a promise-like
   that waits for a frame to show, then loads the bundle. Each chart's summary and table are in
   the page meanwhile, and the frame keeps its height. Once plotly.js is loaded, a graph far
   below the screen is drawn when it comes near. */
(function () {
  "use strict";

  var chartsUrl = "";
  var plotly;

  function named() {
    var data = document.getElementById("plotly-bundle");
    return data ? JSON.parse(data.textContent) : {};
  }

  function pageBundle() {
    return named().src || "";
  }

  function lacksTraceType(traces, figure) {
    var data = Array.isArray(figure) ? figure : (figure && figure.data) || [];
    return data.some(function (trace) {
      return traces.indexOf(trace.type || "scatter") < 0;
    });
  }

  // A graph far from the screen is drawn once it comes near (with the latest figure asked for),
  // so that the charts in view are drawn first; all are drawn before printing. Only the first
  // draw waits: a graph already drawn is redrawn at once (a redraw held back off screen, between
  // a one-panel and a four-panel figure, hung plotly.js when it came back into view).
  var MARGIN = 300;
  var waiting = [];
  function nearScreen(gd) {
    var box = gd.getBoundingClientRect();
    return box.bottom > -MARGIN && box.top < window.innerHeight + MARGIN;
  }

  function whenNearScreen(gd, draw) {
    if (!(gd instanceof Element)) {
      return draw();
    }
    if (!window.IntersectionObserver || named().eager || gd.csecDrawing || nearScreen(gd)) {
      delete gd.csecDraw;
      gd.csecDrawing = Promise.resolve(draw());
      return gd.csecDrawing;
    }
    gd.csecDraw = draw;
    return new Promise(function (resolve, reject) {
      function flush() {
        seen.disconnect();
        if (waiting.indexOf(flush) >= 0) {
          waiting.splice(waiting.indexOf(flush), 1);
        }
        if (gd.csecDraw) {
          gd.csecDrawing = Promise.resolve(gd.csecDraw());
          delete gd.csecDraw;
        }
        gd.csecDrawing.then(resolve, reject);
      }
      var seen = new IntersectionObserver(
        function (entries) {
          if (entries.some(function (entry) { return entry.isIntersecting; })) {
            flush();
          }
        },
        { rootMargin: MARGIN + "px 0px" }
      );
      seen.observe(gd);
      waiting.push(flush);
    });
  }
  window.addEventListener("beforeprint", function () {
    waiting.slice().forEach(function (flush) {
      flush();
    });
  });

  // A bundle names its trace types in `csecTraces` (set after the bundle is assigned, so read
  // when drawing); one without (a full plotly.js), or the page's own bundle, draws as it is.
  function reloadingForMissingTraces(bundle) {
    ["newPlot", "react"].forEach(function (name) {
      var draw = bundle[name];
      bundle[name] = function (gd, figure) {
        var traces = bundle.csecTraces;
        var args = arguments;
        if (!traces || pageBundle() || !lacksTraceType(traces, figure)) {
          return whenNearScreen(gd, function () {
            return draw.apply(bundle, args);
          });
        }
        window.location.reload();
        return new Promise(function () {});
      };
    });
    return bundle;
  }

  // Also before printing (the charts then show in a second print), and at once on a page the
  // shell marks eager (the county brief, made to be printed).
  function whenAChartShows(callback) {
    if (!window.IntersectionObserver || !window.MutationObserver || named().eager) {
      callback();
      return;
    }
    function show() {
      shown.disconnect();
      added.disconnect();
      window.removeEventListener("beforeprint", show);
      callback();
    }
    var shown = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        show();
      }
    });
    window.addEventListener("beforeprint", show);
    var added = new MutationObserver(observeFrames);
    function observeFrames() {
      document.querySelectorAll("#react-entry-point .graph-frame").forEach(function (frame) {
        shown.observe(frame);
      });
    }
    added.observe(document.body, { childList: true, subtree: true });
    observeFrames();
  }

  var loading = null;
  function loadOnScreen() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        whenAChartShows(function () {
          var script = document.createElement("script");
          script.src = window._dashPlotlyJSURL;
          script.onload = function () {
            resolve(plotly);
          };
          script.onerror = reject;
          document.body.appendChild(script);
        });
      });
    }
    return loading;
  }
  var onScreen = {
    then: function (resolve, reject) {
      loadOnScreen().then(resolve, reject);
    },
  };

  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () {
      return pageBundle() || chartsUrl;
    },
    set: function (url) {
      chartsUrl = url;
    },
  });
  // A bundle's top-level `var Plotly = ...` assigns through this setter.
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () {
      return plotly || onScreen;
    },
    set: function (bundle) {
      plotly = bundle ? reloadingForMissingTraces(bundle) : bundle;
    },
  });
})();
