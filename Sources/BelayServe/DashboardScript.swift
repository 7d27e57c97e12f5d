/// The dashboard's one script, plain JavaScript: the token (from the address's `#token=` or typed
/// in, kept in this browser), live updates from the run's event stream, and the buttons, each a
/// POST to the API that names who acts.
enum DashboardScript {
    static let text = #"""
    (function () {
      "use strict";
      var store = window.localStorage;
      var hash = new URLSearchParams(location.hash.slice(1));
      if (hash.get("token")) {
        store.setItem("belay-token", hash.get("token"));
        history.replaceState(null, "", location.pathname + location.search);
      }
      var tokenInput = document.getElementById("token");
      var approver = document.getElementById("approver");
      tokenInput.value = store.getItem("belay-token") || "";
      approver.value = store.getItem("belay-approver") || "";
      tokenInput.addEventListener("change", function () { store.setItem("belay-token", tokenInput.value.trim()); });
      approver.addEventListener("input", function () { store.setItem("belay-approver", approver.value.trim()); });

      function say(text, bad) {
        var box = document.getElementById("message");
        box.textContent = text;
        box.className = bad ? "bad" : "";
      }

      function post(path, body) {
        return fetch(path, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Authorization": "Bearer " + (store.getItem("belay-token") || "") },
          body: JSON.stringify(body || {})
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            if (!response.ok) { throw new Error(answer.error || response.statusText); }
            return answer;
          });
        });
      }

      var run = document.body.dataset.run;
      if (!run) {
        setInterval(function () {
          fetch(location.href).then(function (r) { return r.text(); }).then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("runs");
            if (fresh) { document.getElementById("runs").replaceWith(fresh); }
          }).catch(function () {});
        }, 2000);
        return;
      }

      var query = "?workspace=" + encodeURIComponent(document.body.dataset.workspace);
      var base = "/api/runs/" + encodeURIComponent(run);
      var live = document.getElementById("live");
      var queued = false;
      function refresh() {
        if (queued) { return; }
        queued = true;
        setTimeout(function () {
          queued = false;
          fetch("/runs/" + encodeURIComponent(run) + "/live" + query).then(function (r) { return r.ok ? r.text() : null; })
            .then(function (html) { if (html !== null) { live.innerHTML = html; } }).catch(function () {});
        }, 150);
      }

      // The page shows the run up to its data-seq: the stream starts after it.
      var events = new EventSource(base + "/events/stream" + query + "&after=" + (document.body.dataset.seq || "0"));
      events.onmessage = function (message) {
        try { document.getElementById("last-event").textContent = JSON.parse(message.data).event; } catch (e) {}
        refresh();
      };
      events.addEventListener("end", function () { events.close(); refresh(); });
      // A run that ended may be rolled back or resumed later from here: listen again after an action.
      function listen() {
        if (events.readyState === EventSource.CLOSED) {
          events = new EventSource(base + "/events/stream" + query);
          events.onmessage = function (m) {
            try { document.getElementById("last-event").textContent = JSON.parse(m.data).event; } catch (e) {}
            refresh();
          };
          events.addEventListener("end", function () { events.close(); refresh(); });
        }
      }

      var rollbackBox = document.getElementById("rollback");
      document.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        var action = button.dataset.action;
        if (button.id === "rollback-cancel") { rollbackBox.hidden = true; return; }
        if (button.id === "rollback-confirm") {
          var to = rollbackBox.dataset.to;
          post(base + "/rollback" + query, { to: to }).then(function () {
            rollbackBox.hidden = true; say("rolling back to " + to); listen();
          }).catch(function (e) { say(e.message, true); });
          return;
        }
        if (action === "approve" || action === "reject") {
          var who = approver.value.trim();
          if (!who) { say("type your name (top right) first: the journal records who decided", true); approver.focus(); return; }
          var comment = document.getElementById("approval-comment");
          post(base + "/approve" + query, { by: who, comment: comment && comment.value ? comment.value : null, reject: action === "reject" })
            .then(function (a) { say(a.decision + " by " + a.by + "; the run goes on"); listen(); })
            .catch(function (e) { say(e.message, true); });
        } else if (action === "rollback") {
          post(base + "/rollback" + query, { to: button.dataset.to, dry_run: true }).then(function (a) {
            rollbackBox.dataset.to = button.dataset.to;
            document.getElementById("rollback-to").textContent = button.dataset.to;
            document.getElementById("rollback-plan").textContent = a.text;
            rollbackBox.hidden = false;
            rollbackBox.scrollIntoView();
          }).catch(function (e) { say(e.message, true); });
        } else if (action === "pause" || action === "resume") {
          post(base + "/" + action + query, {}).then(function () { say(action + " asked"); listen(); })
            .catch(function (e) { say(e.message, true); });
        }
      });
    })();
    """#
}
