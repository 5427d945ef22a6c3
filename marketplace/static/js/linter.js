// Disclosure linter: while a creator writes a note, ask the server (debounced) whether it
// reads like an ad, and show the signals with their evidence marked. The note form works
// without this file; the server scans every published note anyway.
(function () {
  "use strict";
  var DELAY_MS = 600;

  function marked(text, field, signals) {
    // The text as DOM nodes with the evidence in <mark>; never HTML from strings.
    var ranges = [];
    signals.forEach(function (signal) {
      (signal.evidence || []).forEach(function (e) {
        if (e && typeof e === "object" && e.field === field && e.start < e.end) ranges.push([e.start, e.end]);
      });
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var at = 0;
    ranges.forEach(function (range) {
      var start = Math.max(range[0], at);
      if (range[1] <= start) return;
      if (start > at) fragment.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, range[1]);
      fragment.appendChild(mark);
      at = range[1];
    });
    if (at < text.length) fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  function setUp(box) {
    var form = box.closest("form");
    if (!form) return;
    var title = form.querySelector("[name=title]");
    var body = form.querySelector("[name=body]");
    var token = form.querySelector("[name=csrf_token]");
    var paid = form.querySelector("[name=is_paid]");
    var list = box.querySelector(".lint-signals");
    var excerpt = box.querySelector(".lint-text");
    var markPaid = box.querySelector(".lint-mark-paid");
    var timer = null;
    var sent = 0;

    function check() {
      var number = ++sent;
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      if (token) headers["X-CSRFToken"] = token.value;
      fetch(box.dataset.url, {
        method: "POST", credentials: "same-origin", headers: headers,
        body: JSON.stringify({ title: title ? title.value : "", body: body ? body.value : "" })
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (number !== sent || !result) return;  // a newer check is on its way
          if (!result.warn || (paid && paid.checked)) { box.hidden = true; return; }
          list.textContent = "";
          result.signals.forEach(function (signal) {
            var item = document.createElement("li");
            item.dataset.signal = signal.code;
            item.textContent = signal.explanation;
            list.appendChild(item);
          });
          excerpt.textContent = "";
          excerpt.appendChild(marked(body ? body.value : "", "body", result.signals));
          box.hidden = false;
        }).catch(function () { /* offline or refused: the form still works */ });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, DELAY_MS);
    }
    [title, body].forEach(function (input) { if (input) input.addEventListener("input", later); });
    if (paid) paid.addEventListener("change", later);
    if (markPaid && paid) {
      markPaid.hidden = false;
      markPaid.addEventListener("click", function () { paid.checked = true; box.hidden = true; });
    }
    if ((title && title.value) || (body && body.value)) later();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-disclosure-lint]").forEach(setUp);
  });
})();
