/* Type-ahead pickers (bi18/lib/pickers.py; WAI-ARIA combobox with a listbox popup).

   Without JavaScript a picker is a search box, a "Search" button that submits the form
   without saving it, and a <select> of the matches. With it, typing asks the field's search
   endpoint for at most 20 matches (an HTML fragment of role="option" items); the arrow keys
   move through them, Enter chooses, Escape closes. The chosen value is still carried by the
   <select>, now hidden, so the form submits the same way in both cases. */
(function () {
  "use strict";

  // A search travels in the URL, so it is never sent once the text holds six digits in a
  // row: the start of a CPR number (its date of birth) as it is being typed, not only the
  // whole number. No user name or staff name needs six digits.
  var CPR = /\d{6}/;

  function enhance(root) {
    if (root.getAttribute("data-picker-ready")) {
      return;
    }
    var input = root.querySelector("[data-picker-input]");
    var listbox = root.querySelector("[data-picker-listbox]");
    var select = root.querySelector("[data-picker-value]");
    var status = root.querySelector("[data-picker-status]");
    var url = root.getAttribute("data-picker-url");
    if (!input || !listbox || !select || !status || !url) {
      return;
    }
    root.setAttribute("data-picker-ready", "1");
    // Enter in any field must submit the form, not run the plain search.
    var button = root.querySelector("[data-picker-search]");
    if (button) {
      button.remove();
    }
    root.querySelector("[data-picker-nojs]").hidden = true;
    input.closest(".input-group").classList.remove("input-group");

    var chosen = select.options[select.selectedIndex];
    var chosenLabel = chosen && chosen.value ? chosen.getAttribute("data-label") : "";
    if (chosenLabel && !input.value) {
      input.value = chosenLabel;
    }
    status.textContent = chosenLabel
      ? root.getAttribute("data-picker-chosen").replace("{name}", chosenLabel)
      : root.getAttribute("data-picker-hint");
    status.setAttribute("aria-live", "polite");

    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(
        listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])')
      );
    }

    function setActive(index) {
      var all = options();
      all.forEach(function (option, n) {
        option.setAttribute("aria-selected", n === index ? "true" : "false");
        option.classList.toggle("active", n === index);
      });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(yes) {
      listbox.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) {
        setActive(-1);
      }
    }

    function choose(option) {
      var value = option.getAttribute("data-value");
      var label = option.getAttribute("data-label");
      var existing = null;
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.value === value) {
          existing = o;
        }
      });
      if (!existing) {
        existing = new Option(option.textContent.trim(), value);
        existing.setAttribute("data-label", label);
        select.add(existing);
      }
      select.value = value;
      chosenLabel = label;
      input.value = label;
      open(false);
      status.textContent = root.getAttribute("data-picker-chosen").replace("{name}", label);
    }

    function search() {
      var query = input.value.trim();
      if (CPR.test(query)) {
        // A search travels in the URL: a CPR number must never go there.
        listbox.innerHTML = "";
        open(false);
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var separator = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(query), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          listbox.innerHTML = html;
          Array.prototype.forEach.call(listbox.querySelectorAll('[role="option"]'), function (o, n) {
            o.id = listbox.id + "-" + n;
          });
          var count = options().length;
          open(true);
          var note = listbox.querySelector("[data-picker-note]");
          status.textContent = count
            ? root.getAttribute("data-picker-count").replace("{n}", count) +
              (note ? " " + note.textContent.trim() : "")
            : (note ? note.textContent.trim() : "");
          if (count === 1) {
            setActive(0);
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            status.textContent = root.getAttribute("data-picker-error");
          }
        });
    }

    input.addEventListener("input", function () {
      if (select.value && input.value !== chosenLabel) {
        // The text no longer names the chosen one: do not submit it silently.
        select.value = "";
        chosenLabel = "";
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (listbox.hidden) {
          search();
        } else {
          setActive(Math.min(active + 1, all.length - 1));
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!listbox.hidden) {
          setActive(Math.max(active - 1, 0));
        }
      } else if (event.key === "Enter") {
        if (!listbox.hidden) {
          // Enter in an open list chooses; it never submits a half-made choice.
          event.preventDefault();
          if (active >= 0 && all[active]) {
            choose(all[active]);
          }
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          open(false);
        }
      } else if (event.key === "Tab") {
        open(false);
      }
    });

    // Keep the focus in the box when an option is clicked.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option && option.getAttribute("aria-disabled") !== "true") {
        choose(option);
        input.focus();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        open(false);
      }, 150);
    });
  }

  // <input list="X" data-suggest-url="...">: a free-text field (the audit log's user name)
  // whose <datalist> is filled with at most 20 suggestions from the server as the user types,
  // instead of every value being sent with the page. Without JavaScript it is a plain field.
  var suggestTimer = null;
  var suggestController = null;
  document.addEventListener("input", function (event) {
    var input = event.target;
    var url = input.getAttribute && input.getAttribute("data-suggest-url");
    var list = url && document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(function () {
      var query = input.value.trim();
      if (!query || CPR.test(query)) {
        list.innerHTML = "";
        return;
      }
      if (suggestController) {
        suggestController.abort();
      }
      suggestController = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
        signal: suggestController.signal,
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          list.innerHTML = html;
        })
        .catch(function () {});
    }, 250);
  });

  function enhanceAll(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-picker]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  // Forms that HTMX swaps in (in-place editing) get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) {
    enhanceAll(event.target);
  });
})();
