// Offline search for the static export, where no server answers /-/search.
// The export's index script sets window.gitwikiSearch = [{title, url, text}],
// each url relative to the search page. Results are built with DOM calls only,
// so page text can never become markup.
(function () {
  "use strict";
  var out = document.getElementById("search-results");
  var index = window.gitwikiSearch;
  if (!out || !Array.isArray(index)) {
    return;
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  ["search-q", "site-search-q"].forEach(function (id) {
    var input = document.getElementById(id);
    if (input && !input.value) {
      input.value = query;
    }
  });
  var terms = query.toLowerCase().split(/\s+/).filter(Boolean);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function count(haystack, needle) {
    var n = 0;
    for (var i = haystack.indexOf(needle); i >= 0 && n < 20; i = haystack.indexOf(needle, i + needle.length)) {
      n++;
    }
    return n;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function snippet(text, at) {
    var start = Math.max(0, at - 80);
    var end = Math.min(text.length, at + 160);
    var s = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
    var p = el("p", "result-snippet");
    var re = new RegExp("(" + terms.map(escapeRegExp).join("|") + ")", "gi");
    s.split(re).forEach(function (part, i) {
      p.appendChild(i % 2 ? el("mark", "", part) : document.createTextNode(part));
    });
    return p;
  }

  if (terms.length === 0) {
    out.appendChild(el("p", "empty", "Type a few words to search the titles and text of every page."));
    return;
  }

  var hits = [];
  index.forEach(function (page) {
    var title = String(page.title || "").toLowerCase();
    var text = String(page.text || "").toLowerCase();
    var score = 0;
    for (var i = 0; i < terms.length; i++) {
      var inTitle = title.indexOf(terms[i]) >= 0;
      var n = count(text, terms[i]);
      if (!inTitle && n === 0) {
        return;
      }
      score += (inTitle ? 10 : 0) + n;
    }
    hits.push({ page: page, score: score, at: text.indexOf(terms[0]) });
  });
  hits.sort(function (a, b) {
    return b.score - a.score || String(a.page.title).localeCompare(String(b.page.title));
  });

  var status = el("p", "search-count");
  status.setAttribute("role", "status");
  status.textContent = hits.length === 0 ? "No page matches “" + query + "”." :
    hits.length + (hits.length === 1 ? " page matches" : " pages match") + " “" + query + "”.";
  out.appendChild(status);
  if (hits.length === 0) {
    return;
  }
  var list = el("ol", "results");
  hits.slice(0, 100).forEach(function (hit) {
    var li = el("li", "result");
    var h = el("h2");
    var a = el("a", "", hit.page.title || hit.page.url);
    a.href = hit.page.url;
    h.appendChild(a);
    li.appendChild(h);
    if (hit.at >= 0) {
      li.appendChild(snippet(String(hit.page.text), hit.at));
    }
    list.appendChild(li);
  });
  out.appendChild(list);
})();
