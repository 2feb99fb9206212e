// Progressive enhancement only: every page reads and navigates without it.

// Messages for the scripts, in the reader's language. The server writes
// them into the page as JSON in data-i18n="…" (with data-i18n-lang, the
// language they are in) on the element a script works on; a message is
// text with {words} to fill in, or for a count, its CLDR plural forms.
// Without them (a page cached before they existed) the English given by
// the script is used.
window.gitwiki = window.gitwiki || {};
window.gitwiki.msg = function (el, key, vars, english) {
  "use strict";
  var lang = (el && el.getAttribute("data-i18n-lang")) || document.documentElement.lang || "en";
  var all = {};
  try {
    all = JSON.parse((el && el.getAttribute("data-i18n")) || "{}");
  } catch (e) {
    all = {};
  }
  var m = all.hasOwnProperty(key) ? all[key] : english;
  vars = vars || {};
  if (m && typeof m === "object") {
    var form = "other";
    try {
      form = new Intl.PluralRules(lang).select(vars.count);
    } catch (e) {
      form = vars.count === 1 ? "one" : "other";
    }
    m = m[form] || m.other;
  }
  return String(m).replace(/\{([a-z]+)\}/g, function (whole, name) {
    if (!vars.hasOwnProperty(name)) {
      return whole;
    }
    if (typeof vars[name] === "number") {
      try {
        return new Intl.NumberFormat(lang).format(vars[name]);
      } catch (e) {
        return String(vars[name]);
      }
    }
    return String(vars[name]);
  });
};
// On screens wide enough to show them, the sidebar and the side table of
// contents are open <details>. CSS keeps them visible where ::details-content
// is supported; this also sets their open state, so browsers without it show
// them too and assistive technology hears "expanded".
(function () {
  "use strict";
  var rules = [
    [".sidebar-menu", window.matchMedia("(min-width: 60rem)")],
    [".toc-details", window.matchMedia("(min-width: 75rem)")]
  ];
  rules.forEach(function (rule) {
    var el = document.querySelector(rule[0]);
    if (!el) {
      return;
    }
    var sync = function () { el.open = rule[1].matches; };
    sync();
    if (rule[1].addEventListener) {
      rule[1].addEventListener("change", sync);
    }
  });
})();

// Copy buttons: <button data-copy="ID" hidden> copies the text of the form
// field ID (the private revise link of a new proposal). Without JavaScript it
// stays hidden and the text box can be selected and copied by hand. A
// role="status" .copy-status beside the button says what happened.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || typeof field.value !== "string") {
      return;
    }
    var status = button.parentNode.querySelector(".copy-status");
    var timer = 0;
    function say(text) {
      if (!status) {
        return;
      }
      clearTimeout(timer);
      status.textContent = text;
      if (text) {
        timer = setTimeout(function () { status.textContent = ""; }, 5000);
      }
    }
    // Selecting the text and asking the browser to copy it works where the
    // Clipboard API does not (plain http); if that fails too, the text is
    // left selected for the person to copy.
    function copyBySelecting() {
      field.focus();
      field.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      say(ok ? window.gitwiki.msg(button, "js.copied", null, "Copied.") : window.gitwiki.msg(button, "js.selected", null, "Selected. Copy it with your device's copy command."));
    }
    button.addEventListener("click", function () {
      say("");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { say(window.gitwiki.msg(button, "js.copied", null, "Copied.")); }, copyBySelecting);
      } else {
        copyBySelecting();
      }
    });
    button.hidden = false;
  });
})();

// Conflict resolution: choosing "Use the text below" for a block moves
// the cursor into that block's text box, and the first block left
// unanswered is shown when Merge is pressed too early. The form works the
// same without this.
(function () {
  "use strict";
  var form = document.querySelector(".conflict-form");
  if (!form) return;
  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.type !== "radio" || t.value !== "edit" || !t.checked) return;
    var block = t.closest(".conflict-block");
    var text = block && block.querySelector(".conflict-edit textarea");
    if (text) text.focus();
  });
  form.addEventListener("invalid", function (e) {
    var block = e.target.closest && e.target.closest(".conflict-block");
    if (block && block.scrollIntoView) block.scrollIntoView({ block: "center" });
  }, true);
})();

// Suggestions in the header search box: as one types, the pages whose
// titles match (GET data-suggest?q=, JSON) appear in a list under the box,
// following the ARIA combobox pattern: arrows move, Enter opens the chosen
// page, Escape closes. Without it, or when a request fails, the box is a
// plain search form. Nothing is sent for fewer than two letters, and only
// the answer to the newest request is shown.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search[data-suggest]");
  var input = form && form.querySelector("input[type=search]");
  if (!input || !window.fetch || !window.JSON) return;
  var url = form.getAttribute("data-suggest");
  var msg = function (key, vars, english) { return window.gitwiki.msg(form, key, vars, english); };
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", msg("js.suggest_label", null, "Pages whose titles match"));
  list.hidden = true;
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(list);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var items = [], active = -1, timer = null, seq = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  // dismiss closes the list and drops the answers still on their way, so
  // a slow one cannot open it again.
  function dismiss() {
    clearTimeout(timer);
    seq++;
    close();
  }
  function mark(i) {
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function show(q, found) {
    close();
    found.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "site-search-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = s.url;
      a.tabIndex = -1;
      a.textContent = s.title;
      if (s.lang) a.lang = s.lang;
      li.appendChild(a);
      list.appendChild(li);
      items.push(li);
    });
    var li = document.createElement("li");
    li.id = "site-search-suggestion-all";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.className = "suggest-all";
    var all = document.createElement("a");
    all.href = form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    all.tabIndex = -1;
    all.textContent = msg("js.suggest_all", { q: q }, "Search for “{q}”");
    li.appendChild(all);
    list.appendChild(li);
    items.push(li);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = msg("js.suggest_count", { count: found.length }, found.length === 1 ? "{count} page suggested." : "{count} pages suggested.");
  }
  function ask() {
    var q = input.value.trim();
    if (q.length < 2) {
      close();
      return;
    }
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        if (mine !== seq || input.value.trim() !== q) return; // a newer one is on its way
        if (!Array.isArray(found) || found.length === 0) {
          close();
          return;
        }
        show(q, found);
      })
      .catch(close);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var n = items.length;
      mark(e.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location.href = items[active].querySelector("a").href;
    } else if (e.key === "Escape") {
      e.preventDefault();
      dismiss();
    }
  });
  // A click on a suggestion follows its link; leaving the box closes it.
  list.addEventListener("mousedown", function (e) { e.preventDefault(); });
  input.addEventListener("blur", dismiss);
})();
