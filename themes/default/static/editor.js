// Progressive enhancement of the editor; without it the Preview and save
// buttons do everything through the server. It adds:
// 1. a live preview beside the text on wide screens, behind a tab on narrow ones
//    (a note instead while conflict markers are left in the text);
// 2. the Markdown that shows a file, inserted at the cursor when one is chosen;
// 3. a warning before leaving the page with unsaved changes.
(function () {
  "use strict";
  var form = document.querySelector("form.edit-form");
  function msg(key, vars, english) {
    return window.gitwiki && window.gitwiki.msg ? window.gitwiki.msg(form, key, vars, english) : english;
  }
  var content = form && form.elements.namedItem("content");
  if (!content) {
    return;
  }

  // Announces a change in the text, so the preview and the unsaved-changes
  // warning follow edits made by this script as well as by typing.
  function changed() {
    content.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- 3. Unsaved changes ----
  // A form the server sent back (after a preview, a conflict or a refusal)
  // holds text that is not saved yet.
  var dirty = form.hasAttribute("data-unsaved");
  var submitting = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // ---- 2. Files ----
  var file = form.elements.namedItem("attachment");
  var attachStatus = form.querySelector(".attach-status");
  function insertAtCursor(text) {
    var start = content.selectionStart || 0;
    var end = content.selectionEnd || start;
    var before = content.value.slice(0, start);
    var after = content.value.slice(end);
    // An image or a link to a file reads best on a line of its own.
    if (before && !/\n$/.test(before)) {
      text = "\n" + text;
    }
    if (!/^\n/.test(after)) {
      text += "\n";
    }
    if (content.setRangeText) {
      content.setRangeText(text, start, end, "end");
    } else {
      content.value = before + text + after;
      content.selectionStart = content.selectionEnd = start + text.length;
    }
    changed();
  }
  if (file && file.type === "file") {
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) {
        return;
      }
      var name = f.name;
      var pdf = f.type === "application/pdf" || /\.pdf$/i.test(name);
      var label = name.replace(/[\[\]\\]/g, "");
      var target = name.replace(/[ ()<>]/g, function (c) {
        return "%" + c.charCodeAt(0).toString(16).toUpperCase();
      });
      insertAtCursor((pdf ? "" : "!") + "[" + label + "](" + target + ")");
      if (attachStatus) {
        attachStatus.textContent = pdf ?
          msg("js.attached_link", { name: name }, "Added a link to {name} to the text. It is uploaded when you preview or save.") :
          msg("js.attached", { name: name }, "Added {name} to the text. It is uploaded when you preview or save.");
      }
    });
  }

  // ---- Propose or publish ----
  var propose = form.elements.namedItem("propose");
  var save = form.querySelector('button[name="action"][value="save"]');
  if (propose && save && save.getAttribute("data-label-propose")) {
    propose.addEventListener("change", function () {
      save.textContent = save.getAttribute(propose.checked ? "data-label-propose" : "data-label-publish");
    });
  }

  // ---- 1. Live preview ----
  var url = form.getAttribute("data-preview-url");
  var workspace = form.querySelector(".edit-workspace");
  var write = form.querySelector(".edit-write");
  var live = form.querySelector(".edit-live");
  var tablist = form.querySelector(".edit-tabs");
  if (!url || !window.fetch || !window.URLSearchParams || !workspace || !write || !live || !tablist) {
    return;
  }
  var pane = live.querySelector(".edit-live-body");
  var status = live.querySelector(".edit-live-status");
  var tabs = Array.prototype.slice.call(tablist.querySelectorAll('[role="tab"]'));
  var panels = [write, live];
  var wide = window.matchMedia("(min-width: 75rem)");
  var timer = 0;
  var seq = 0;
  var shown = null; // the text the pane shows
  var pausedUntil = 0;
  var notice = null;

  // After a conflict the text holds both versions between marker lines,
  // which render badly (the ======= line turns the text above it into a
  // heading). While a marker line is left, the pane says so instead of
  // asking the server. A ======= line alone is a heading underline, so it
  // counts only beside the other markers; marker lines inside a fenced code
  // block (a page about conflicts) do not count at all.
  function hasConflictMarkers(text) {
    var lines = text.split(/\r\n|\r|\n/);
    var fence = "";
    for (var i = 0; i < lines.length; i++) {
      var open = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i]);
      if (fence) {
        if (open && open[1].charAt(0) === fence.charAt(0) && open[1].length >= fence.length &&
            /^\s*$/.test(lines[i].slice(open[0].length))) {
          fence = "";
        }
      } else if (open) {
        fence = open[1];
      } else if (/^(?:<{7}|\|{7}|>{7})(?:[ \t]|$)/.test(lines[i])) {
        return true;
      }
    }
    return false;
  }
  function conflictNotice() {
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "edit-live-notice";
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = msg("js.markers", null, "Resolve the conflict markers to see a preview.");
      p.appendChild(strong);
      var more = document.createElement("p");
      var help = msg("js.markers_help", null, "In each place, keep the text that is right, and delete the rest and the marker lines (those starting with {markers}). The preview comes back when they are gone.").split("{markers}");
      more.appendChild(document.createTextNode(help[0]));
      ["<<<<<<<", "|||||||", "=======", ">>>>>>>"].forEach(function (marker, i) {
        if (i) {
          more.appendChild(document.createTextNode(" "));
        }
        var code = document.createElement("code");
        code.textContent = marker;
        more.appendChild(code);
      });
      more.appendChild(document.createTextNode(help.slice(1).join("")));
      notice.appendChild(p);
      notice.appendChild(more);
    }
    seq++; // a preview still on its way is out of date
    live.classList.remove("is-updating");
    status.textContent = "";
    pane.textContent = "";
    pane.appendChild(notice);
  }

  function refresh() {
    timer = 0;
    if (content.value === shown) {
      return;
    }
    var text = content.value;
    if (hasConflictMarkers(text)) {
      conflictNotice();
      shown = text;
      return;
    }
    if (Date.now() < pausedUntil) {
      return;
    }
    if (notice && notice.parentNode === pane) {
      // The markers are gone: the notice no longer holds, whatever the
      // server answers.
      pane.textContent = "";
      shown = null;
    }
    var body = new URLSearchParams();
    body.set("content", text);
    ["path", "title"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value) {
        body.set(name, field.value);
      }
    });
    var mine = ++seq;
    live.classList.add("is-updating");
    fetch(url, {
      method: "POST",
      mode: "same-origin",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: body.toString()
    }).then(function (r) {
      if (r.status === 429) {
        pausedUntil = Date.now() + 15000;
      }
      if (!r.ok) {
        throw new Error("preview: " + r.status);
      }
      return r.text();
    }).then(function (html) {
      if (mine !== seq) {
        return;
      }
      // The server renders the preview with the same sanitizer as every
      // page, so the fragment holds no script or handler, and the CSP would
      // not run one anyway. Parsing it again here would add nothing.
      pane.innerHTML = html;
      shown = text;
      status.textContent = "";
      live.classList.remove("is-updating");
    }).catch(function () {
      if (mine !== seq) {
        return;
      }
      live.classList.remove("is-updating");
      status.textContent = msg("js.preview_failed", null, "Could not update the preview. The Preview button below still works.");
    });
  }
  // Only a visible pane is kept up to date, to spare the server.
  function visible() {
    return wide.matches || workspace.getAttribute("data-tab") === "preview";
  }
  function schedule() {
    if (!visible()) {
      return;
    }
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(refresh, 400);
  }

  function select(i) {
    workspace.setAttribute("data-tab", i === 1 ? "preview" : "write");
    tabs.forEach(function (tab, j) {
      tab.setAttribute("aria-selected", i === j ? "true" : "false");
      tab.tabIndex = i === j ? 0 : -1;
    });
    if (i === 1) {
      refresh();
    }
  }
  // Tabs exist only on narrow screens; on wide ones both panes show and
  // are plain regions.
  function layout() {
    tablist.hidden = wide.matches;
    if (visible()) {
      refresh();
    }
    panels.forEach(function (panel, i) {
      if (wide.matches) {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
      } else {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tabs[i].id);
      }
    });
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { select(i); });
    tab.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") {
        e.preventDefault();
        var n = tabs.length;
        var next = { Home: 0, End: n - 1, ArrowLeft: (i + n - 1) % n, ArrowRight: (i + 1) % n }[e.key];
        select(next);
        tabs[next].focus();
      }
    });
  });

  workspace.classList.add("is-live");
  live.hidden = false;
  select(0);
  layout();
  if (wide.addEventListener) {
    wide.addEventListener("change", layout);
  }
  content.addEventListener("input", schedule);
  ["path", "title"].forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field && field.type !== "hidden") {
      field.addEventListener("input", function () { shown = null; schedule(); });
    }
  });
})();
