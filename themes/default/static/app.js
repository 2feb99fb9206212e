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
