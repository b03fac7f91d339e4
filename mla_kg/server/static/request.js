// The request form (/request): re-check the description as it is edited.
// Plain JavaScript, no framework. Without it the page still works: "Check" submits the form and
// the server answers the whole page; the download buttons submit it to /request/draft.
(function () {
  "use strict";
  var DELAY_MS = 450;
  var result = document.getElementById("check-result");
  var status = document.getElementById("check-status");
  if (!result || !status || !window.fetch || !window.FormData) {
    return;
  }
  var timer = null;
  var controller = null;
  var serial = 0;

  function say(text) {
    status.textContent = text;
  }

  function check(form) {
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++serial;
    say("checking…");
    result.setAttribute("aria-busy", "true");
    fetch("/request/check?view=fragment", {
      method: "POST",
      headers: { Accept: "text/html" },
      body: new URLSearchParams(new FormData(form)),
      signal: controller ? controller.signal : undefined,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (html) {
          return { ok: response.ok, status: response.status, html: html };
        });
      })
      .then(function (answer) {
        if (mine !== serial) {
          return;
        }
        // The fragment is the server's own autoescaped template.
        result.innerHTML = answer.html;
        result.removeAttribute("aria-busy");
        result.dataset.checks = String(Number(result.dataset.checks || "0") + 1);
        summarise();
        say(answer.ok ? "checked " + new Date().toLocaleTimeString() : "not checked (" + answer.status + ")");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        result.removeAttribute("aria-busy");
        say("the check could not be run: " + (error && error.message ? error.message : error));
      });
  }

  // The verdict beside the buttons, for a check scrolled out of sight (narrow screens).
  function summarise() {
    var body = document.getElementById("check-body");
    var links = document.querySelectorAll(".check-summary");
    Array.prototype.forEach.call(links, function (link) {
      link.textContent = body ? body.getAttribute("data-summary") : "";
      link.setAttribute("data-state", body ? body.getAttribute("data-state") : "");
    });
  }

  function schedule(form) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      check(form);
    }, DELAY_MS);
  }

  summarise();
  var forms = document.querySelectorAll("form.request-form");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("input", function () {
      schedule(form);
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      // Checking a measure opens its particulars.
      if (target && target.name === "measure" && target.checked) {
        var details = target.closest("li") && target.closest("li").querySelector("details");
        if (details) {
          details.open = true;
        }
      }
      schedule(form);
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      // The downloads go to the server as a normal submission; "Check" is answered in place.
      if (submitter && submitter.getAttribute("formaction")) {
        return;
      }
      event.preventDefault();
      window.clearTimeout(timer);
      check(form);
    });
  });
})();
