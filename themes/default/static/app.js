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
