/* A view change the server turns away for load (429 or 503, each with Retry-After) is sent again
   after the wait the server names, twice at most. If it is still turned away, a status line says
   so: the view on screen stays the last one drawn, and the reader knows why. The line empties as
   soon as a later change goes through. */
(function () {
  "use strict";

  var ROUTE = "/_dash-update-component";
  var TRIES = 3;
  var LONGEST_WAIT_MS = 10000;
  var BUSY = "The site is busy and could not show your last change. Please try it again in a moment.";
  var send = window.fetch.bind(window);

  function say(text) {
    var line = document.getElementById("busy-status");
    if (!line && text) {
      line = document.createElement("p");
      line.id = "busy-status";
      line.className = "busy-status";
      line.setAttribute("role", "status");
      document.body.appendChild(line);
    }
    if (line) {
      line.textContent = text;
    }
  }

  function waitMs(response) {
    var seconds = parseFloat(response.headers.get("Retry-After"));
    return Math.min(isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, LONGEST_WAIT_MS);
  }

  function sendUntilServed(input, init, tries) {
    return send(input, init).then(function (response) {
      if (response.status !== 429 && response.status !== 503) {
        say("");
        return response;
      }
      if (tries <= 1) {
        say(BUSY);
        return response;
      }
      return new Promise(function (resolve) {
        window.setTimeout(resolve, waitMs(response));
      }).then(function () {
        return sendUntilServed(input, init, tries - 1);
      });
    });
  }

  // Only a URL string with its body in `init` (as Dash sends callbacks) can be sent again.
  window.fetch = function (input, init) {
    if (typeof input !== "string" || input.indexOf(ROUTE) === -1) {
      return send(input, init);
    }
    return sendUntilServed(input, init, TRIES);
  };
})();
