// Offline search for the static export, where no server answers /-/search.
// The export's index script sets window.gitwikiSearch = [{title, url, text}],
// each url relative to the search page. Matching ignores case and accents
// ("informacion" finds "información"). Results are built with DOM calls only,
// so page text can never become markup.
(function () {
  "use strict";
  var out = document.getElementById("search-results");
  var index = window.gitwikiSearch;
  if (!out || !Array.isArray(index)) {
    return;
  }
  var LIMIT = 50;
  var inputs = ["search-q", "site-search-q"].map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);

  // fold is how both the query and the pages are compared: decomposed,
  // without combining marks, lower case.
  function fold(s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // foldMap folds text one character at a time and remembers, for every
  // folded character, where it came from, so a match found in the folded
  // text can be marked in the original.
  function foldMap(text) {
    var folded = "";
    var from = [];
    for (var i = 0; i < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      var f = ch.charCodeAt(0) < 128 ? ch.toLowerCase() : fold(ch);
      for (var k = 0; k < f.length; k++) {
        from.push(i);
      }
      folded += f;
      i += ch.length;
    }
    from.push(text.length);
    return { folded: folded, from: from };
  }

  function terms(query) {
    return fold(query).split(/\s+/).map(function (t) {
      return t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    }).filter(Boolean);
  }

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

  // prepared folds each page once, on the first search.
  var prepared = null;
  function prepare() {
    if (!prepared) {
      prepared = index.map(function (page) {
        var title = String(page.title || "");
        var text = String(page.text || "");
        return { page: page, title: fold(title), text: fold(text) };
      });
    }
    return prepared;
  }

  // snippet shows the text around the first match, with every match of
  // every term marked.
  function snippet(text, words) {
    var m = foldMap(text);
    var at = -1;
    words.forEach(function (w) {
      var i = m.folded.indexOf(w);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
      }
    });
    if (at < 0) {
      return null;
    }
    var start = Math.max(0, m.from[at] - 80);
    var end = Math.min(text.length, m.from[at] + 160);
    // Marked ranges, in original offsets, inside the window.
    var ranges = [];
    words.forEach(function (w) {
      for (var i = m.folded.indexOf(w); i >= 0; i = m.folded.indexOf(w, i + w.length)) {
        var a = m.from[i];
        var b = m.from[i + w.length];
        if (a >= end) {
          break;
        }
        if (b > start) {
          ranges.push([Math.max(a, start), Math.min(b, end)]);
        }
      }
    });
    ranges.sort(function (x, y) { return x[0] - y[0]; });
    var p = el("p", "result-snippet");
    var pos = start;
    if (start > 0) {
      p.appendChild(document.createTextNode("…"));
    }
    ranges.forEach(function (r) {
      if (r[1] <= pos) {
        return;
      }
      var a = Math.max(r[0], pos);
      if (a > pos) {
        p.appendChild(document.createTextNode(text.slice(pos, a)));
      }
      p.appendChild(el("mark", "", text.slice(a, r[1])));
      pos = r[1];
    });
    p.appendChild(document.createTextNode(text.slice(pos, end) + (end < text.length ? "…" : "")));
    return p;
  }

  function search(query) {
    var words = terms(query);
    var hits = [];
    prepare().forEach(function (e) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = e.title.indexOf(words[i]) >= 0;
        var n = count(e.text, words[i]);
        if (!inTitle && n === 0) {
          return;
        }
        score += (inTitle ? 10 : 0) + n;
      }
      hits.push({ page: e.page, score: score });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || String(a.page.title).localeCompare(String(b.page.title));
    });
    return { words: words, hits: hits };
  }

  function show(query) {
    while (out.firstChild) {
      out.removeChild(out.firstChild);
    }
    var q = query.trim();
    var r = search(q);
    if (r.words.length === 0) {
      out.appendChild(el("p", "empty", "Type a few words to search the titles and text of every page."));
      return;
    }
    var status = el("p", "search-count");
    status.setAttribute("role", "status");
    status.textContent = r.hits.length === 0 ? "No page matches “" + q + "”." :
      r.hits.length + (r.hits.length === 1 ? " page matches" : " pages match") + " “" + q + "”." +
      (r.hits.length > LIMIT ? " The first " + LIMIT + " are shown." : "");
    out.appendChild(status);
    if (r.hits.length === 0) {
      return;
    }
    var list = el("ol", "results");
    r.hits.slice(0, LIMIT).forEach(function (hit) {
      var li = el("li", "result");
      var h = el("h2");
      var a = el("a", "", hit.page.title || hit.page.url);
      a.href = hit.page.url;
      h.appendChild(a);
      li.appendChild(h);
      var s = snippet(String(hit.page.text || ""), r.words);
      if (s) {
        li.appendChild(s);
      }
      list.appendChild(li);
    });
    out.appendChild(list);
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  inputs.forEach(function (input) {
    if (!input.value) {
      input.value = query;
    }
  });
  show(query);

  // Results follow typing, without a reload; submitting still works.
  var timer = 0;
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        inputs.forEach(function (other) {
          if (other !== input) {
            other.value = input.value;
          }
        });
        show(input.value);
      }, 120);
    });
  });
})();
