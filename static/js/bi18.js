/* Small behaviours that would otherwise be inline handlers, which the Content-Security-Policy
   (script-src 'self', bi18/security.py) blocks. Markup opts in with data attributes. */
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <button data-print>: open the print dialogue.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });

  // Escape in an inline editor (a form with a [data-cancel] link) cancels it, as its
  // Cancel link does (WCAG 2.1.1: the keyboard alone closes what it opened).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented || !event.target.closest) {
      return;
    }
    var form = event.target.closest("form");
    var cancel = form && form.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      var url = cancel.getAttribute("hx-get");
      if (window.htmx && url) {
        // Straight to htmx: does not depend on htmx having processed a just-swapped link.
        window.htmx.ajax("GET", url, {
          source: cancel,
          target: cancel.getAttribute("hx-target"),
          swap: cancel.getAttribute("hx-swap"),
        });
      } else {
        cancel.click();
      }
    }
  });

  // <form data-reset-on="target-id">: after a successful HTMX request into #target-id, empty
  // the form and remove the element named by data-remove-on-success (an "empty" notice).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-reset-on]")) {
      return;
    }
    var target = event.detail.target;
    if (event.detail.successful && target && target.id === form.getAttribute("data-reset-on")) {
      form.reset();
      var gone = document.getElementById(form.getAttribute("data-remove-on-success") || "");
      if (gone) {
        gone.remove();
      }
    }
  });
})();
