/* Live meeting mode (issue 14): the plan and meeting pages follow other members' saves.

   The socket (networkgroup/live/consumers.py) sends notices ("goal 7 changed by Lars"),
   already filtered by what this user may see, with the item's fragment rendered on the
   server for this user (`html`, for goals, actions and decisions); without it the page
   fetches the fragment through the ordinary access-checked view. Either way the fragment
   is swapped in place, highlighted, with who changed it. An item the user is editing is never replaced: they are told, and
   the version check shows both versions when they save.

   Without a socket (a proxy that blocks WebSockets, the server unreachable) the page says
   so and the presence poll (every 20 s, _presence.html) carries on; the socket is retried
   with back-off, and after a reconnect the page asks what changed meanwhile. */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) {
    return;
  }
  var cfg = root.dataset;
  var ID = "999999999";
  var HEADERS = { "HX-Request": "true", "X-BI18-Background": "1" };
  var STALE_MS = 150000; // presence not refreshed for this long is gone (a lost server)

  var socket = null;
  var connected = false;
  var everConnected = false;
  var missed = false; // the page was without a socket for a while: ask what changed
  var attempts = 0;
  var retryTimer = null;
  var me = null;
  var since = parseInt(cfg.since || "0", 10) || 0;
  var others = {}; // socket channel -> {userId, name, editing, at}
  var polled = []; // who is here by polling only (from the socket's pong): [{user_id, name}]
  var editing = null; // what this page edits: {kind, id}

  function t(key, a, b) {
    return (cfg["t" + key] || "").replace("{1}", a || "").replace("{2}", b || "");
  }

  function urlFor(template, id) {
    return template.replace(ID, String(id));
  }

  // --- status ------------------------------------------------------------------------

  function setState(state) {
    root.hidden = false;
    root.dataset.state = state;
    var text = { live: t("Live"), polling: t("Polling"), reconnecting: t("Reconnecting") }[state];
    root.querySelector("[data-live-status]").textContent = text || "";
  }

  function announce(text) {
    var line = document.createElement("div");
    line.className = "live-announcement";
    line.textContent = text;
    root.appendChild(line);
    window.setTimeout(function () {
      line.remove();
    }, 6000);
  }

  // --- fragments -----------------------------------------------------------------------

  function isEditing(element) {
    return !!element && (element.matches("form, [data-conflict]") ||
      !!element.querySelector("form, [data-conflict]"));
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // GET a fragment as a live refresh: resolves with the element, null when the user may
  // not (or no longer) see it (404), and follows a log-in redirect of an ended session.
  function load(url) {
    return fetch(url, { headers: HEADERS, credentials: "same-origin" }).then(function (response) {
      var redirect = response.headers.get("HX-Redirect");
      if (redirect) {
        window.location.href = redirect;
        return null;
      }
      if (!response.ok) {
        return null;
      }
      return response.text().then(parse);
    });
  }

  // The pushed fragment if the socket sent one, else a fetch of `url`.
  function loadOr(html, url) {
    return typeof html === "string" ? Promise.resolve(parse(html)) : load(url);
  }

  function mark(element, by) {
    if (!element) {
      return;
    }
    htmx.process(element);
    element.classList.add("live-changed");
    if (by) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-warning live-by ms-1";
      badge.textContent = t("ChangedBy", by);
      (element.querySelector("h3, [data-action-what], li") || element).appendChild(badge);
      window.setTimeout(function () {
        badge.remove();
      }, 8000);
    }
    window.setTimeout(function () {
      element.classList.remove("live-changed");
    }, 3000);
  }

  function warnWhileEditing(element, by) {
    if (element.querySelector(".live-while-editing")) {
      return;
    }
    var note = document.createElement("div");
    note.className = "alert alert-info py-1 px-2 small mb-2 live-while-editing";
    note.setAttribute("role", "status");
    note.textContent = t("ChangedWhile", by);
    element.insertBefore(note, element.firstChild);
  }

  // Swap `element` for a fresh copy from `url`, unless the user is busy in it (`busy`,
  // default: an editor or merge view is open there).
  function replace(element, url, by, busy, html) {
    busy = busy || isEditing;
    if (busy(element)) {
      warnWhileEditing(element, by);
      return Promise.resolve();
    }
    return loadOr(html, url).then(function (fresh) {
      if (!element.isConnected || busy(element)) {
        return;
      }
      if (fresh) {
        element.replaceWith(fresh);
        mark(fresh, by);
      } else {
        element.remove(); // gone, or no longer to be seen by this user
      }
    });
  }

  // `pushed`: {html, created} from the socket (a new goal's block, a changed goal's header).
  function refreshGoal(id, by, pushed) {
    pushed = pushed || {};
    var header = document.getElementById("goal-" + id + "-header");
    if (header) {
      var headerHtml = pushed.created ? undefined : pushed.html;
      return replace(header, urlFor(cfg.goalUrl, id), by, null, headerHtml).then(function () {
        if (!document.getElementById("goal-" + id + "-header")) {
          var block = document.getElementById("goal-" + id);
          if (block) {
            block.remove();
          }
        }
      });
    }
    var list = document.getElementById("plan-goals");
    if (!list) {
      return Promise.resolve();
    }
    return loadOr(pushed.created ? pushed.html : undefined, urlFor(cfg.goalBlockUrl, id)).then(function (block) {
      if (block && !document.getElementById("goal-" + id)) {
        var empty = document.getElementById("plan-empty");
        if (empty) {
          empty.remove();
        }
        list.appendChild(block);
        mark(block, by);
      }
    });
  }

  function refreshAction(id, goalId, by, html) {
    var row = document.getElementById("action-" + id);
    if (row) {
      return replace(row, urlFor(cfg.actionUrl, id), by, null, html);
    }
    var list = document.getElementById("goal-" + goalId + "-actions");
    if (!list) {
      return Promise.resolve();
    }
    return loadOr(html, urlFor(cfg.actionUrl, id)).then(function (fresh) {
      if (fresh && !document.getElementById("action-" + id)) {
        list.querySelectorAll(".plan-empty-row").forEach(function (e) {
          e.remove();
        });
        list.appendChild(fresh);
        mark(fresh, by);
      }
    });
  }

  function refreshById(elementId, url, by, html) {
    var element = document.getElementById(elementId);
    if (!element || !url) {
      return Promise.resolve();
    }
    return replace(element, url, by, elementId === "minutes" ? typingMinutes : neverBusy, html);
  }

  function neverBusy() {
    return false;
  }

  // Minutes being typed (changed or focused) are never replaced under the user's hands.
  function typingMinutes(element) {
    var text = element.querySelector("textarea");
    return !!text && (text.value !== text.defaultValue || document.activeElement === text);
  }

  function meetingChanged(by) {
    if (document.querySelector(".live-meeting-changed")) {
      return;
    }
    var note = document.createElement("div");
    note.className = "alert alert-info py-1 px-2 small live-meeting-changed";
    note.setAttribute("role", "status");
    note.appendChild(document.createTextNode(t("MeetingChanged", by) + " "));
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = t("Reload");
    note.appendChild(link);
    root.appendChild(note);
  }

  // One fetch at a time per item: notices that arrive meanwhile cause one more fetch after
  // it (the latest state), not one each.
  var inflight = {};
  function coalesce(key, run) {
    var state = inflight[key];
    if (state) {
      state.next = run;
      return;
    }
    state = inflight[key] = { next: null };
    var done = function () {
      delete inflight[key];
      if (state.next) {
        coalesce(key, state.next);
      }
    };
    run().then(done, done);
  }

  function changed(message) {
    var mine = message.by_id === me;
    switch (message.kind) {
      case "goal":
        if (mine && document.getElementById("goal-" + message.id)) {
          return; // this page (or its twin tab) saved it already
        }
        coalesce("goal:" + message.id, function () {
          return refreshGoal(message.id, message.by, { html: message.html, created: message.created });
        });
        break;
      case "action":
        if (mine && document.getElementById("action-" + message.id)) {
          return;
        }
        coalesce("action:" + message.id, function () {
          return refreshAction(message.id, message.goal, message.by, message.html);
        });
        break;
      case "decision":
        coalesce("decisions", function () {
          return refreshById("decision-list", cfg.decisionsUrl, mine ? "" : message.by, message.html);
        });
        break;
      case "minutes":
        if (!mine) {
          coalesce("minutes", function () {
            return refreshById("minutes", cfg.minutesUrl, message.by);
          });
        }
        break;
      case "agenda":
        coalesce("agenda", function () {
          return refreshById("agenda", cfg.agendaUrl, "");
        });
        break;
      case "meeting":
        if (!mine) {
          meetingChanged(message.by);
        }
        break;
    }
  }

  function resynced(message) {
    if (message.too_many && !document.querySelector("#plan form textarea")) {
      window.location.reload();
      return;
    }
    since = Math.max(since, message.last || 0);
    (message.goals || []).forEach(function (id) {
      refreshGoal(id, "");
    });
    (message.actions || []).forEach(function (pair) {
      refreshAction(pair[0], pair[1], "");
    });
    refreshById("decision-list", cfg.decisionsUrl, "");
    refreshById("minutes", cfg.minutesUrl, "");
    refreshById("agenda", cfg.agendaUrl, "");
  }

  // --- presence ------------------------------------------------------------------------

  function itemLabel(item) {
    if (!item) {
      return "";
    }
    var element = item.kind === "goal"
      ? document.getElementById("goal-" + item.id + "-title")
      : document.querySelector("#action-" + item.id + " [data-action-what]");
    return element ? element.textContent.trim().slice(0, 60) : "";
  }

  function renderPresence() {
    var box = document.getElementById("presence");
    if (!box || !connected) {
      return;
    }
    var now = Date.now();
    var people = {};
    Object.keys(others).forEach(function (channel) {
      var entry = others[channel];
      if (now - entry.at > STALE_MS) {
        delete others[channel];
        return;
      }
      var person = people[entry.userId] || (people[entry.userId] = { name: entry.name, editing: null });
      person.editing = person.editing || entry.editing;
    });
    polled.forEach(function (entry) {
      if (!people[entry.user_id]) {
        people[entry.user_id] = { name: entry.name, editing: null };
      }
    });
    box.textContent = "";
    var ids = Object.keys(people);
    if (!ids.length) {
      var nobody = document.createElement("span");
      nobody.className = "text-muted";
      nobody.textContent = t("Nobody");
      box.appendChild(nobody);
      return;
    }
    var label = document.createElement("span");
    label.className = "text-muted";
    label.textContent = t("AlsoHere") + " ";
    box.appendChild(label);
    ids.forEach(function (id) {
      var person = people[id];
      var badge = document.createElement("span");
      badge.className = "badge rounded-pill text-bg-primary me-1";
      badge.setAttribute("data-presence-user", id);
      var what = itemLabel(person.editing);
      badge.textContent = person.editing
        ? (what ? t("Editing", person.name, what) : t("EditingShort", person.name))
        : person.name;
      if (person.editing) {
        badge.setAttribute("data-editing", person.editing.kind + ":" + person.editing.id);
      }
      box.appendChild(badge);
    });
  }

  function presence(message) {
    if (message.event === "leave") {
      var left = others[message.channel];
      delete others[message.channel];
      polled = polled.filter(function (entry) {
        return !left || entry.user_id !== left.userId;
      });
      if (left && !stillHere(left.userId)) {
        announce(t("Left", left.name));
      }
    } else {
      var isNew = !others[message.channel] && !stillHere(message.user_id);
      others[message.channel] = {
        userId: message.user_id,
        name: message.name,
        editing: message.editing,
        at: Date.now(),
      };
      if (isNew && message.event === "join") {
        announce(t("Joined", message.name));
      }
    }
    renderPresence();
  }

  function stillHere(userId) {
    return Object.keys(others).some(function (channel) {
      return others[channel].userId === userId;
    });
  }

  function whoEdits(kind, id) {
    var key = kind + ":" + id;
    var names = [];
    Object.keys(others).forEach(function (channel) {
      var entry = others[channel];
      if (entry.editing && entry.editing.kind + ":" + entry.editing.id === key &&
          names.indexOf(entry.name) < 0) {
        names.push(entry.name);
      }
    });
    return names.join(", ");
  }

  // What this page is editing now: an open goal or action editor (or its merge view).
  function currentEditing() {
    var plan = document.getElementById("plan");
    if (!plan) {
      return null;
    }
    var goal = plan.querySelector("form[id^='goal-'][id$='-header'], div[data-conflict^='goal-']");
    if (goal) {
      return { kind: "goal", id: parseInt((goal.id || "").split("-")[1], 10) };
    }
    var action = plan.querySelector("li[id^='action-'] form, li[data-conflict^='action-']");
    if (action) {
      var row = action.closest("li[id^='action-']");
      return { kind: "action", id: parseInt(row.id.split("-")[1], 10) };
    }
    return null;
  }

  function sendEditing() {
    var now = currentEditing();
    var before = editing;
    editing = now;
    var same = (before && now && before.kind === now.kind && before.id === now.id) || (!before && !now);
    if (!same && connected) {
      send({ type: "editing", kind: now ? now.kind : null, id: now ? now.id : null });
    }
  }

  // --- the socket ----------------------------------------------------------------------

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function handle(message) {
    if (message.type === "hello") {
      me = message.me;
    } else if (message.type === "changed") {
      changed(message);
    } else if (message.type === "presence") {
      presence(message);
    } else if (message.type === "resync") {
      resynced(message);
    } else if (message.type === "pong") {
      polled = message.present || [];
      renderPresence();
    }
  }

  function connect() {
    retryTimer = null;
    if (!window.WebSocket) {
      setState("polling");
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + cfg.socket);
    } catch (error) {
      setState("polling");
      retry();
      return;
    }
    socket.onopen = function () {
      connected = true;
      attempts = 0;
      setState("live");
      send({ type: "ping" });
      if (missed) {
        send({ type: "resync", since: since });
        missed = false;
      }
      everConnected = true;
      editing = null;
      sendEditing();
      renderPresence();
    };
    socket.onmessage = function (event) {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        // A message this page does not understand is ignored.
      }
    };
    socket.onclose = function (event) {
      var wasConnected = connected;
      connected = false;
      missed = true;
      socket = null;
      others = {};
      polled = [];
      if (event.code === 4403) {
        window.location.reload(); // access ended: the page shows why (log-in, 404)
        return;
      }
      setState(wasConnected || everConnected ? "reconnecting" : "polling");
      retry();
    };
  }

  function retry() {
    if (retryTimer) {
      return;
    }
    attempts += 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(attempts - 1, 5)));
    retryTimer = window.setTimeout(connect, delay);
  }

  // While the socket is live, the presence poll is not needed (the socket does its job).
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (connected && event.detail.elt && event.detail.elt.id === "presence") {
      event.preventDefault();
    }
  });

  // Opening an item someone else is editing asks first.
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.elt;
    var key = trigger && trigger.getAttribute && trigger.getAttribute("data-live-edit");
    if (!key) {
      return;
    }
    var parts = key.split(":");
    var names = whoEdits(parts[0], parseInt(parts[1], 10));
    if (!names) {
      return;
    }
    event.preventDefault();
    if (window.confirm(t("Warn", names))) {
      event.detail.issueRequest(true);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    sendEditing();
  });

  window.setInterval(function () {
    send({ type: "ping" });
    renderPresence();
  }, 25000);

  window.addEventListener("online", function () {
    if (!connected) {
      if (retryTimer) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
      }
      attempts = 0;
      connect();
    }
  });

  connect();
})();
