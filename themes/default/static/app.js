// Progressive enhancement only: every page reads and navigates without it.
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
      say(ok ? "Copied." : "Selected. Copy it with your device's copy command.");
    }
    button.addEventListener("click", function () {
      say("");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied."); }, copyBySelecting);
      } else {
        copyBySelecting();
      }
    });
    button.hidden = false;
  });
})();
