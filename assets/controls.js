/* Native form controls -> Dash, PNG downloads, and the current page in the navigation.
   Each control element keeps its current value in its `data-value` prop; a change is sent
   with dash_clientside.set_props, which runs the callbacks that take Input(id, "data-value"). */
(function () {
  "use strict";

  function send(id, value) {
    var api = window.dash_clientside;
    if (api && api.set_props) {
      api.set_props(id, { "data-value": value });
    }
    say("");
  }

  function say(text) {
    var status = document.getElementById("share-status");
    if (status) {
      status.textContent = text;
    }
  }

  // The address of the view on screen pinned to its release (the page's release line names it),
  // so a shared link keeps showing these figures after a newer release.
  function pinnedUrl() {
    var line = document.querySelector("[data-release-id]");
    var url = new URL(window.location.href);
    if (line && !url.searchParams.get("release")) {
      url.searchParams.set("release", line.getAttribute("data-release-id"));
    }
    return url.href;
  }

  // On an earlier release's page, the link to the same view in the current release follows the
  // view (a control change moves the address without re-rendering the notice).
  function followCurrentView() {
    var link = document.querySelector("a[data-current-view]");
    if (link) {
      var url = new URL(window.location.href);
      url.searchParams.delete("release");
      link.setAttribute("href", url.pathname + url.search);
    }
  }
  window.addEventListener("csec-url", followCurrentView);

  // A release published nowhere (the demonstration) gives a printed permalink as a path only:
  // the address the reader is on completes it.
  function completePermalinks() {
    document.querySelectorAll(".permalink").forEach(function (code) {
      if (code.textContent.charAt(0) === "/") {
        code.textContent = window.location.origin + code.textContent;
      }
    });
  }
  window.addEventListener("csec-url", completePermalinks);

  // Copy the address of the view on screen; where the clipboard is not available (plain http),
  // show the link selected for the reader to copy.
  function copyLink() {
    var url = pinnedUrl();
    function showSelected() {
      var field = document.getElementById("share-url");
      if (field) {
        field.value = url;
        field.hidden = false;
        field.focus();
        field.select();
      }
      say("The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () {
        say("Link copied: " + url);
      }, showSelected);
    } else {
      showSelected();
    }
  }

  // The page's first paint (dashboard/server/first_paint.py) shows until Dash's page replaces
  // it; its controls have no callbacks behind them.
  function inFirstPaint(el) {
    return Boolean(el.closest && el.closest(".first-paint"));
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-control]") && !inFirstPaint(el)) {
      send(el.id, el.value);
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) {
      return;
    }
    var option = target.closest("[data-control='buttons'] button[data-option]");
    if (option && !inFirstPaint(option)) {
      var group = option.closest("[data-control='buttons']");
      group.querySelectorAll("button[data-option]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === option ? "true" : "false");
      });
      send(group.id, option.getAttribute("data-option"));
      return;
    }
    var more = target.closest("button[data-more]");
    if (more) {
      var summary = more.closest(".summary");
      var open = summary.classList.toggle("is-collapsed") === false;
      more.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (target.closest("button[data-copy-link]")) {
      copyLink();
      return;
    }
    var png = target.closest("button[data-png-for]");
    if (png) {
      var graph = document.getElementById(png.getAttribute("data-png-for"));
      var plot = graph && graph.querySelector(".js-plotly-plot");
      if (plot && window.Plotly) {
        window.Plotly.downloadImage(plot, {
          format: "png",
          filename: png.getAttribute("data-filename"),
          scale: 2
        });
      }
      return;
    }
    if (target.closest("#site-nav a")) {
      window.setTimeout(function () {
        var main = document.getElementById("main");
        if (main) {
          main.focus({ preventScroll: false });
        }
      }, 0);
    }
  });

  // The link of the page on screen, from a changed view, starts the page afresh (its defaults).
  // Capture phase: runs before the client-side router of the link.
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("#site-nav a, a.brand");
      var href = link && link.getAttribute("href");
      if (href && href.split("?")[0] === window.location.pathname && window.location.search) {
        event.preventDefault();
        event.stopPropagation();
        window.location.assign(href);
      }
    },
    true
  );

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-no-submit]")) {
      event.preventDefault();
    }
  });

  // (The first paint's navigation comes marked: dashboard/server/first_paint.py.)
  function markNav() {
    var nav = document.getElementById("site-nav");
    if (!nav) {
      return;
    }
    var path = window.location.pathname;
    var brand = nav.parentNode.querySelector("a.brand");
    var home = brand ? brand.getAttribute("href").split("?")[0] : "/"; // under any base path
    nav.querySelectorAll("a").forEach(function (a) {
      var href = (a.getAttribute("href") || "").split("?")[0]; // links carry a pinned release
      var current = href === home ? path === home : path === href || path.indexOf(href + "/") === 0;
      if (current) {
        a.setAttribute("aria-current", "page");
      } else {
        a.removeAttribute("aria-current");
      }
    });
  }

  // Back and Forward: the page of the restored address is rendered afresh from its URL (a
  // control change pushed that entry without telling Dash's router, which would miss it).
  // Registered before Dash's own listener, which this one replaces unless only the hash moved
  // (the skip link): then nothing is re-rendered.
  var shown = window.location.pathname + window.location.search;
  function remember() {
    shown = window.location.pathname + window.location.search;
  }
  window.addEventListener("csec-url", remember); // the page wrote its view's URL
  window.addEventListener("popstate", function (event) {
    var api = window.dash_clientside;
    var now = window.location.pathname + window.location.search;
    if (api && api.set_props && now !== shown) {
      remember();
      event.stopImmediatePropagation();
      api.set_props("_pages_location", {
        pathname: window.location.pathname,
        search: window.location.search,
        hash: window.location.hash,
        href: window.location.href  // all four, or Dash's Location restores a stale one
      });
    }
    window.setTimeout(markNav, 0);
  });
  window.addEventListener("_dashprivate_pushstate", function () {
    remember();
    window.setTimeout(markNav, 0);
  });
  // The page's first paint leaves the document once Dash's page is in place (assets/style.css
  // has already swapped the two on screen): one copy of the page for scripts and tests.
  function dropFirstPaint() {
    var content = document.getElementById("_pages_content");
    if (!content || !content.firstChild) {
      return false;
    }
    document.querySelectorAll(".first-paint").forEach(function (paint) {
      paint.remove();
    });
    return true;
  }

  var observer = new MutationObserver(function () {
    markNav();
    if (dropFirstPaint()) {
      observer.disconnect();
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
})();
