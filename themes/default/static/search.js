// Offline search for the static export, where no server answers /-/search.
//
// The export's index is a set of plain scripts, each calling
// gitwikiSearch.add(name, data) (see internal/search/export.go): a manifest,
// then chunks of terms, of titles and filters, and of pages, loaded on demand
// by appending <script> tags, so it works from file://, over HTTP and under
// script-src 'self', with no fetch, modules, WebAssembly or workers. The
// rules it applies (folding, stop words, stems, weights, completion and
// typo limits) come from the manifest: the server's own, as data. Results
// are built with DOM calls only, so page text can never become markup.
(function (root) {
  "use strict";

  var G = root.gitwikiSearch = root.gitwikiSearch || {};
  var chunks = {};  // name → data
  var pending = {}; // name → callbacks waiting for it
  var failed = {};  // file → true
  var manifest = null;
  var base = "";    // URL of the index's folder, ending in "/"
  G.files = [];     // files requested, in order: the tests count their bytes

  // add is what every index script calls.
  G.add = function (name, data) {
    if (name === "main") {
      var script = root.document && root.document.currentScript;
      if (script && script.src) {
        base = script.src.slice(0, script.src.lastIndexOf("/") + 1);
      }
      manifest = data;
    }
    chunks[name] = data;
    var waiting = pending[name] || [];
    delete pending[name];
    waiting.forEach(function (cb) { cb(); });
    if (name === "main" && G.onready) {
      G.onready();
    }
  };

  // loadScript appends a script; tests replace it.
  G.loadScript = function (url, onerror) {
    var s = root.document.createElement("script");
    s.src = url;
    s.async = true;
    s.onerror = onerror;
    root.document.head.appendChild(s);
  };

  // need loads the named chunk and resolves with its data, or null when it
  // cannot be loaded. Chunks are in the manifest's folder, as NAME.js.
  function need(name) {
    var file = manifest.dir + "/" + name + ".js";
    return new Promise(function (resolve) {
      if (name in chunks) {
        resolve(chunks[name]);
        return;
      }
      if (failed[file]) {
        resolve(null);
        return;
      }
      var first = !pending[name];
      (pending[name] = pending[name] || []).push(function () { resolve(chunks[name] || null); });
      if (first) {
        G.files.push(file);
        G.loadScript(base + file, function () {
          failed[file] = true;
          var waiting = pending[name] || [];
          delete pending[name];
          waiting.forEach(function (cb) { cb(); });
        });
      }
    });
  }

  // ---- Text: folding and tokens, as the server's analyzers do. ----

  var foldMap = null; // character → folded form, from the fold chunk

  function loadFold() {
    if (foldMap) {
      return Promise.resolve();
    }
    return need("fold").then(function (table) {
      foldMap = new Map();
      String(table || "").split(" ").forEach(function (e) {
        if (!e) {
          return;
        }
        var c = String.fromCodePoint(e.codePointAt(0));
        foldMap.set(c, e.slice(c.length));
      });
    });
  }

  var MARK = /^\p{Mn}$/u;

  // fold lowercases and removes accents: "Información" → "informacion".
  function fold(s) {
    if (!/[^\x00-\x7f]/.test(s)) {
      return s.toLowerCase();
    }
    var out = "";
    for (var ch of s) {
      if (ch.charCodeAt(0) < 128) {
        out += ch.toLowerCase();
      } else if (foldMap && foldMap.has(ch)) {
        out += foldMap.get(ch);
      } else if (!MARK.test(ch)) {
        out += ch.toLowerCase();
      }
    }
    return out;
  }

  function lower(s) {
    var out = "";
    for (var ch of s) {
      out += ch.toLowerCase();
    }
    return out;
  }

  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("und", { granularity: "word" }) : null;

  // tokens splits text into words with their offsets.
  function tokens(text) {
    var out = [];
    text = text.replace(/\u200c/g, " ");
    if (segmenter) {
      for (var seg of segmenter.segment(text)) {
        if (seg.isWordLike) {
          out.push({ raw: seg.segment, start: seg.index, end: seg.index + seg.segment.length });
        }
      }
      return out;
    }
    var re = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
    for (var m; (m = re.exec(text));) {
      out.push({ raw: m[0], start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  function runes(s) {
    var n = 0;
    for (var ch of s) { // eslint-disable-line no-unused-vars
      n++;
    }
    return n;
  }

  function utf8Length(s) {
    var n = 0;
    for (var ch of s) {
      var c = ch.codePointAt(0);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    return n;
  }

  // cmp orders strings by code point, as Go orders their UTF-8 bytes.
  function cmp(a, b) {
    if (a === b) {
      return 0;
    }
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && y >= 0xd800) {
          x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
          y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  // ---- Queries, parsed as internal/search/query.go parses them. ----

  var QUOTES = /[“”„«»＂]/g;

  function cleanText(s) {
    var out = "";
    for (var ch of s) {
      var c = ch.codePointAt(0);
      if ((c >= 0xd800 && c <= 0xdfff) || /\p{Cc}/u.test(ch) || c === 0xfffd || c === 0x2028 || c === 0x2029) {
        out += " ";
      } else {
        out += ch;
      }
    }
    return out.replace(QUOTES, '"');
  }

  function queryError(code, reason) {
    var e = new Error(reason);
    e.code = code;
    return e;
  }

  function parse(text) {
    var R = manifest.rules;
    if (utf8Length(text) > R.maxQueryBytes) {
      throw queryError("too-long", "longer than " + R.maxQueryBytes + " characters");
    }
    var s = cleanText(text);
    var out = { words: [], phrases: [], exclude: [], excludePhrases: [], filters: [], prefix: false, key: "" };
    var seen = {};
    var i = 0;
    var lastWord = false;
    function clauses() {
      return out.words.length + out.phrases.length + out.exclude.length + out.excludePhrases.length;
    }
    function limit() {
      if (clauses() > R.maxClauses) {
        throw queryError("too-many-words", "more than " + R.maxClauses + " words");
      }
    }
    function key(k) {
      out.key += (out.key ? " " : "") + k;
    }
    function words(t) {
      return tokens(t).map(function (tok) { return { raw: tok.raw, fold: fold(tok.raw) }; });
    }
    function add(ws, neg, quoted) {
      if (ws.length === 0) {
        return false;
      }
      if (ws.length > R.maxPhraseWords && (quoted || neg)) {
        throw queryError("too-many-words", "a phrase of more than " + R.maxPhraseWords + " words");
      }
      if (ws.length > 1 && (quoted || neg)) {
        var k = "p" + neg + " " + ws.map(function (w) { return w.fold; }).join(" ");
        if (!seen[k]) {
          seen[k] = true;
          if (neg) {
            out.excludePhrases.push(ws);
          } else {
            out.phrases.push(ws);
            key(ws.map(function (w) { return w.fold; }).join(" "));
          }
        }
        limit();
        return true;
      }
      var added = false;
      for (var j = 0; j < ws.length; j++) {
        var w = ws[j];
        var wk = "w" + neg + " " + w.fold;
        if (seen[wk]) {
          continue;
        }
        seen[wk] = true;
        if (neg) {
          out.exclude.push(w);
        } else {
          out.words.push(w);
          key(w.fold);
          added = true;
        }
        limit();
      }
      return added || !neg;
    }
    function isSpace(c) {
      return c === " " || c === "\t" || c === "\n" || c === "\r";
    }
    while (true) {
      while (i < s.length && isSpace(s[i])) {
        i++;
      }
      if (i >= s.length) {
        break;
      }
      var neg = false;
      if (s[i] === "-" && i + 1 < s.length && !isSpace(s[i + 1])) {
        neg = true;
        i++;
      }
      var fk = /^(in|tag|lang):/i.exec(s.slice(i, i + 5));
      if (fk) {
        i += fk[0].length;
        var v = "";
        var q = s[i] === '"' ? s.indexOf('"', i + 1) : -1;
        if (q >= 0) {
          v = s.slice(i + 1, q).trim();
          i = q + 1;
        } else {
          var e = i;
          while (e < s.length && !isSpace(s[e]) && s[e] !== '"') {
            e++;
          }
          v = s.slice(i, e);
          i = e;
        }
        if (v !== "") {
          if (out.filters.length >= R.maxFilters) {
            throw queryError("too-many-words", "more than " + R.maxFilters + " filters");
          }
          var f = { kind: fk[1].toLowerCase(), value: v };
          if (neg) {
            f.not = true;
          }
          out.filters.push(f);
          lastWord = false;
          continue;
        }
        if (i >= s.length || isSpace(s[i])) {
          lastWord = false;
          continue;
        }
      }
      if (s[i] === '"') {
        var end = s.indexOf('"', i + 1);
        if (end >= 0) {
          var ws = words(s.slice(i + 1, end));
          i = end + 1;
          add(ws, neg, true);
          lastWord = false;
          continue;
        }
        i++;
      }
      var j = i;
      while (j < s.length && !isSpace(s[j]) && s[j] !== '"') {
        j++;
      }
      var got = add(words(s.slice(i, j)), neg, false);
      i = j;
      lastWord = got && !neg;
    }
    var empty = out.words.length + out.phrases.length + out.exclude.length + out.excludePhrases.length + out.filters.length === 0;
    if (empty) {
      if (s.trim() === "") {
        return null;
      }
      throw queryError("no-words", "no words to search for");
    }
    if (lastWord && out.words.length > 0 && s[s.length - 1] !== " " &&
        runes(out.words[out.words.length - 1].fold) >= R.minPrefixRunes) {
      out.prefix = true;
    }
    return out;
  }

  // ---- The index: chunks, terms and postings. ----

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) {
    DIGIT[DIGITS[d]] = d;
  }

  // chunkFor is the index of the chunk of list whose range holds key.
  function chunkFor(list, key) {
    var lo = 0;
    var hi = list.bounds.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmp(list.bounds[mid], key) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  function chunkName(space, i) {
    return space + "-" + i;
  }

  function loadChunk(space, list, i) {
    return need(chunkName(space, i));
  }

  function lookup(space, list, key) {
    if (list.bounds.length === 0) {
      return Promise.resolve(null);
    }
    return loadChunk(space, list, chunkFor(list, key));
  }

  // rangeChunks loads the chunks holding keys that begin with prefix, at
  // most max of them, and resolves with their data.
  function rangeChunks(space, list, prefix, max) {
    if (list.bounds.length === 0) {
      return Promise.resolve([]);
    }
    var first = chunkFor(list, prefix);
    var loads = [];
    for (var i = first; i < list.bounds.length && loads.length < max; i++) {
      if (i > first && !startsWithOrBefore(list.bounds[i], prefix)) {
        break;
      }
      loads.push(loadChunk(space, list, i));
    }
    return Promise.all(loads).then(function (ds) { return ds.filter(Boolean); });
  }

  // startsWithOrBefore: a chunk starting at bound may hold keys that begin
  // with prefix.
  function startsWithOrBefore(bound, prefix) {
    return bound.slice(0, prefix.length) === prefix || cmp(bound, prefix) <= 0;
  }

  var decoded = {}; // space + "\0" + term → postings

  // postings decodes a term's string: the fields holding it, then for each
  // page its id (delta), and its score and fields matched.
  function postings(space, term, s) {
    var k = space + "\u0000" + term;
    if (decoded[k]) {
      return decoded[k];
    }
    var R = manifest.rules;
    var mask = DIGIT[s[0]];
    var docs = [];
    var scores = [];
    var fields = [];
    var prev = -1;
    for (var i = 1; i < s.length;) {
      var v = 0;
      var c;
      while ((c = DIGIT[s[i++]]) >= 32) {
        v = v * 32 + (c - 32);
      }
      v = v * 32 + c;
      prev += v + 1;
      var code = (DIGIT[s[i]] * 64 + DIGIT[s[i + 1]]) * 64 + DIGIT[s[i + 2]];
      i += 3;
      var q = code % (R.impactMax + 1);
      docs.push(prev);
      scores.push(Math.pow(2, q / R.impactSteps - R.impactBias));
      fields.push(Math.floor(code / (R.impactMax + 1)) + 1);
    }
    var p = { mask: mask, docs: docs, scores: scores, fields: fields, count: popcount(mask) };
    decoded[k] = p;
    return p;
  }

  function popcount(m) {
    return (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1);
  }

  function keyDocs(s) {
    var out = [];
    var prev = -1;
    for (var i = 0; i < s.length;) {
      var v = 0;
      var c;
      while ((c = DIGIT[s[i++]]) >= 32) {
        v = v * 32 + (c - 32);
      }
      v = v * 32 + c;
      prev += v + 1;
      out.push(prev);
    }
    return out;
  }

  // ---- Analysis of a query word in a family. ----

  var APOS = /['’＇]/;

  // surface is a word as fam folds it before stemming, or null when fam
  // drops it as a stop word.
  function surface(fam, raw) {
    var s = raw;
    if (fam.possessive && s.length > 2 && /[sS]$/.test(s) && APOS.test(s[s.length - 2])) {
      s = s.slice(0, -2);
    }
    s = lower(s);
    if (fam.elision && fam.elision.length) {
      for (var i = 0; i < s.length; i++) {
        if ((s[i] === "'" || s[i] === "’") && fam.elisionSet[s.slice(0, i)]) {
          s = s.slice(i + 1);
          break;
        }
      }
    }
    if (fam.stopSet[s]) {
      return null;
    }
    return fold(s);
  }

  function prepareFamily(fam) {
    if (!fam.stopSet) {
      fam.stopSet = {};
      fam.stop.forEach(function (w) { fam.stopSet[w] = true; });
      fam.elisionSet = {};
      (fam.elision || []).forEach(function (w) { fam.elisionSet[w] = true; });
    }
  }

  // resolve finds the indexed term of a surface form: the form itself, the
  // stem the index recorded for it, or the first of the suffix rules'
  // candidates that is a term. It resolves with {term, found}.
  function resolve(fam, g) {
    return lookup(fam.code, fam, g).then(function (data) {
      if (data && data.s && data.s[g] !== undefined) {
        return { term: data.s[g], found: true };
      }
      if (data && data.p && data.p[g] !== undefined) {
        return { term: g, found: true };
      }
      var cands = ruleCandidates(fam, g);
      return tryCandidates(fam, cands, 0).then(function (t) {
        return t === null ? { term: g, found: false } : { term: t, found: true };
      });
    });
  }

  // ruleCandidates are what the family's suffix rules make of g, most
  // used rules first.
  function ruleCandidates(fam, g) {
    var cands = [];
    fam.suffixes.forEach(function (r) {
      var from = r[0];
      if (cands.length < 8 && g.length > from.length + 1 && g.slice(-from.length) === from) {
        cands.push(g.slice(0, -from.length) + r[1]);
      }
    });
    return cands;
  }

  function tryCandidates(fam, cands, i) {
    if (i >= cands.length) {
      return Promise.resolve(null);
    }
    return lookup(fam.code, fam, cands[i]).then(function (data) {
      if (data && data.p && data.p[cands[i]] !== undefined) {
        return cands[i];
      }
      return tryCandidates(fam, cands, i + 1);
    });
  }

  function termPostings(fam, term) {
    return lookup(fam.code, fam, term).then(function (data) {
      var s = data && data.p && data.p[term];
      return s === undefined || s === null ? null : postings(fam.code, term, s);
    });
  }

  function editDistance(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    var prev = [];
    var cur = [];
    for (var j = 0; j <= y.length; j++) {
      prev[j] = j;
    }
    for (var i = 1; i <= x.length; i++) {
      cur[0] = i;
      for (j = 1; j <= y.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      }
      var t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }

  // pick orders completions or corrections as the server does: fewest
  // edits, shortest, then by term.
  function pick(cands, n) {
    cands.sort(function (a, b) {
      return (a.dist - b.dist) || (a.runes - b.runes) || cmp(a.term, b.term);
    });
    return cands.slice(0, n);
  }

  // expansions are a word's completions or corrections in fam, from the
  // chunks that may hold them.
  function expansions(fam, from, own, kind) {
    var R = manifest.rules;
    var fuzz = 0;
    var prefix = from;
    var centers = [];
    if (kind === "fuzzy") {
      fuzz = runes(from.word) >= R.minFuzzy2Runes ? 2 : 1;
      prefix = String.fromCodePoint(from.center.codePointAt(0));
      // The server corrects the word's stem, which the browser cannot
      // compute: the word's form and what the suffix rules make of it
      // stand in for it.
      centers = [from.center].concat(ruleCandidates(fam, from.center));
    }
    return rangeChunks(fam.code, fam, prefix, 4).then(function (datas) {
      var cands = [];
      var seen = {};
      datas.forEach(function (data) {
        Object.keys(data.p || {}).forEach(function (t) {
          if (seen[t] || t === own || t.slice(0, prefix.length) !== prefix) {
            return;
          }
          seen[t] = true;
          var dist = 0;
          if (kind === "fuzzy") {
            dist = Math.min.apply(null, centers.map(function (c) { return editDistance(c, t); }));
            if (dist > fuzz) {
              return;
            }
          }
          cands.push({ term: t, dist: dist, runes: runes(t), p: postings(fam.code, t, data.p[t]) });
        });
      });
      return pick(cands, kind === "fuzzy" ? R.maxFuzzyTerms : R.maxPrefixTerms);
    });
  }

  // ---- Scoring: the rules of internal/search/build.go. ----

  // part is one disjunction: clauses is how many term clauses it has, and
  // each page matching it gets a sum of scores and of clauses matched.
  function newPart(clauses, weight) {
    return { clauses: clauses, weight: weight, sum: new Map(), hits: new Map() };
  }

  function addPostings(part, p) {
    for (var i = 0; i < p.docs.length; i++) {
      var d = p.docs[i];
      part.sum.set(d, (part.sum.get(d) || 0) + p.scores[i] * part.weight);
      part.hits.set(d, (part.hits.get(d) || 0) + p.fields[i]);
    }
  }

  // combine is a disjunction of parts: per page, the coord-weighted sums,
  // times the share of parts matched.
  function combine(parts) {
    parts = parts.filter(function (p) { return p.clauses > 0; });
    var out = new Map();
    var matched = new Map();
    parts.forEach(function (part) {
      part.sum.forEach(function (sum, d) {
        var s = sum * part.hits.get(d) / part.clauses;
        out.set(d, (out.get(d) || 0) + s);
        matched.set(d, (matched.get(d) || 0) + 1);
      });
    });
    if (parts.length > 1) {
      out.forEach(function (s, d) { out.set(d, s * matched.get(d) / parts.length); });
    }
    return out;
  }

  // analyse resolves a word in every family: null where it is a stop word.
  function analyse(w) {
    return Promise.all(manifest.fams.map(function (fam) {
      prepareFamily(fam);
      var g = surface(fam, w.raw);
      if (g === null || g === "") {
        return null;
      }
      return resolve(fam, g).then(function (r) { r.surface = g; return r; });
    }));
  }

  // wordScores scores one required word, or resolves with null when every
  // family drops it. real says which families some required word of the
  // query is no stop word in: there, a stop word asks nothing of the pages.
  function wordScores(w, last, prefix, real) {
    var R = manifest.rules;
    return analyse(w).then(function (terms) {
      var fams = manifest.fams;
      var exactClauses = 0;
      var found = false;
      var standIns = [];
      terms.forEach(function (t, i) {
        if (t) {
          exactClauses += 3;
          found = found || t.found;
        } else if (real[i]) {
          standIns.push(fams[i].code);
        }
      });
      if (exactClauses === 0) {
        return null;
      }
      var exact = newPart(exactClauses + standIns.length, 1);
      var loads = fams.map(function (fam, i) {
        if (!terms[i] || !terms[i].found) {
          return null;
        }
        return termPostings(fam, terms[i].term).then(function (p) {
          if (p) {
            addPostings(exact, p);
          }
        });
      });
      standIns.forEach(function (code) {
        loads.push(keyList("~" + code).then(function (ids) {
          ids.forEach(function (d) {
            exact.sum.set(d, exact.sum.get(d) || 0);
            exact.hits.set(d, (exact.hits.get(d) || 0) + 1);
          });
        }));
      });
      var completions = last && prefix ? expandAll(fams, terms, w, "prefix", R.prefix) : Promise.resolve(null);
      var corrections = completions.then(function (part) {
        // A word being typed that completes needs no correction.
        if (found || part || runes(w.fold) < R.minFuzzyRunes) {
          return null;
        }
        return expandAll(fams, terms, w, "fuzzy", R.fuzzy);
      });
      return Promise.all(loads.concat([completions, corrections])).then(function (res) {
        var parts = [exact].concat(res.slice(-2).filter(Boolean));
        return { scores: combine(parts), terms: terms, expanded: parts.slice(1) };
      });
    });
  }

  function expandAll(fams, terms, w, kind, weight) {
    var R = manifest.rules;
    return Promise.all(fams.map(function (fam, i) {
      var t = terms[i];
      if (!t) {
        return [];
      }
      if (kind === "prefix") {
        if (runes(t.surface) < R.minPrefixRunes) {
          return [];
        }
        return expansions(fam, t.surface, t.term, kind);
      }
      return expansions(fam, { word: w.fold, center: t.term }, t.term, kind);
    })).then(function (lists) {
      var clauses = 0;
      var all = [];
      lists.forEach(function (l) {
        l.forEach(function (c) {
          clauses += c.p.count;
          all.push(c);
        });
      });
      if (clauses === 0) {
        return null;
      }
      var part = newPart(clauses, weight);
      part.terms = all.map(function (c) { return c.term; });
      all.forEach(function (c) { addPostings(part, c.p); });
      return part;
    });
  }

  // docsOf lists the pages holding a word in any family (for exclusions).
  function docsOf(w) {
    return analyse(w).then(function (terms) {
      return Promise.all(manifest.fams.map(function (fam, i) {
        return terms[i] && terms[i].found ? termPostings(fam, terms[i].term) : null;
      }));
    }).then(function (ps) {
      var set = new Set();
      ps.forEach(function (p) {
        if (p) {
          p.docs.forEach(function (d) { set.add(d); });
        }
      });
      return set;
    });
  }

  function keyList(k) {
    return lookup("_", manifest.keys, k).then(function (data) {
      var s = data && data.k && data.k[k];
      return s === undefined || s === null ? [] : keyDocs(s);
    });
  }

  function filterKey(f) {
    switch (f.kind) {
    case "in":
      return "/" + fold(f.value.replace(/^[\/ ]+|[\/ ]+$/g, ""));
    case "tag":
      return "#" + fold(f.value.trim());
    default:
      var l = f.value.trim().toLowerCase().split(/[-_]/)[0];
      return "@" + (/^[a-z]{2,3}$/.test(l) ? l : "");
    }
  }

  // filterSets resolves with the pages each kind of positive filter
  // allows, and those a negated filter removes.
  function filterSets(filters) {
    var kinds = {};
    var not = new Set();
    return Promise.all(filters.map(function (f) {
      return keyList(filterKey(f)).then(function (ids) {
        if (f.not) {
          ids.forEach(function (d) { not.add(d); });
          return;
        }
        var set = kinds[f.kind] = kinds[f.kind] || new Set();
        ids.forEach(function (d) { set.add(d); });
      });
    })).then(function () {
      return { kinds: Object.keys(kinds).map(function (k) { return kinds[k]; }), not: not };
    });
  }

  // search resolves with every matching page id, best first, and what
  // to highlight.
  function search(pq) {
    var all = pq.words.concat([].concat.apply([], pq.phrases));
    var real = manifest.fams.map(function (fam) {
      prepareFamily(fam);
      return all.some(function (w) {
        var g = surface(fam, w.raw);
        return g !== null && g !== "";
      });
    });
    var clauses = pq.words.map(function (w, i) {
      return wordScores(w, i === pq.words.length - 1, pq.prefix, real);
    });
    // Phrases: every word of the phrase, required (the offline index has
    // no positions).
    pq.phrases.forEach(function (ph) {
      ph.forEach(function (w) {
        clauses.push(wordScores(w, false, false, real));
      });
    });
    var exclude = pq.exclude.map(docsOf);
    var excludePhrases = pq.excludePhrases.map(function (ph) {
      return Promise.all(ph.map(docsOf)).then(intersect);
    });
    var positive = pq.words.length + pq.phrases.length > 0;
    return Promise.all([
      Promise.all(clauses),
      Promise.all(exclude.concat(excludePhrases)),
      filterSets(pq.filters),
      positive && pq.key ? keyList("=" + pq.key) : Promise.resolve([]),
    ]).then(function (r) {
      var scored = r[0].filter(Boolean);
      var excluded = new Set();
      r[1].forEach(function (s) { s.forEach(function (d) { excluded.add(d); }); });
      var filters = r[2];
      var exactTitle = new Set(r[3]);
      var candidates;
      var scores = new Map();
      if (scored.length > 0) {
        candidates = null;
        scored.forEach(function (c) {
          var next = [];
          c.scores.forEach(function (s, d) {
            if (candidates === null || candidates.has(d)) {
              next.push(d);
              scores.set(d, (scores.get(d) || 0) + s);
            }
          });
          candidates = new Set(next);
        });
      } else if (positive) {
        candidates = exactTitle; // only stop words: the exact title is all there is
      } else {
        candidates = new Set();
        for (var i = 0; i < manifest.n; i++) {
          candidates.add(i);
        }
      }
      var ids = [];
      candidates.forEach(function (d) {
        if (excluded.has(d) || filters.not.has(d)) {
          return;
        }
        for (var k = 0; k < filters.kinds.length; k++) {
          if (!filters.kinds[k].has(d)) {
            return;
          }
        }
        ids.push(d);
      });
      ids.sort(function (a, b) {
        var ea = exactTitle.has(a) ? 1 : 0;
        var eb = exactTitle.has(b) ? 1 : 0;
        return (eb - ea) || ((scores.get(b) || 0) - (scores.get(a) || 0)) || (a - b);
      });
      return { ids: ids, scores: scores, marks: marksOf(pq, scored) };
    });
  }

  function intersect(sets) {
    var out = new Set();
    if (sets.length === 0) {
      return out;
    }
    sets[0].forEach(function (d) {
      if (sets.every(function (s) { return s.has(d); })) {
        out.add(d);
      }
    });
    return out;
  }

  // marksOf lists what snippets highlight: the folded words, their terms
  // and the completions and corrections used.
  function marksOf(pq, scored) {
    var m = { words: [], stems: [] };
    pq.words.concat([].concat.apply([], pq.phrases)).forEach(function (w) { m.words.push(w.fold); });
    scored.forEach(function (c) {
      c.terms.forEach(function (t) {
        if (t && t.found && t.term.length >= 3) {
          m.stems.push(t.term);
        }
      });
      c.expanded.forEach(function (part) { (part.terms || []).forEach(function (t) { m.stems.push(t); }); });
    });
    return m;
  }

  function docs(ids) {
    var per = manifest.per;
    var need_ = {};
    ids.forEach(function (id) { need_[Math.floor(id / per)] = true; });
    return Promise.all(Object.keys(need_).map(function (k) {
      return need("d-" + k).then(function (rows) { return [k, rows]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (l) { byChunk[l[0]] = l[1] || []; });
      return ids.map(function (id) {
        var row = byChunk[Math.floor(id / per)][id % per] || ["", "", "", "", ""];
        return { id: id, title: row[0], url: row[1], crumbs: row[2], lang: row[3], text: row[4] };
      });
    });
  }

  // query runs text and resolves with the total, the first n pages and
  // what to highlight; it is what the tests call.
  function query(text, n) {
    return ready().then(function () {
      var needFold = /[^\x00-\x7f]/.test(text) ? loadFold() : Promise.resolve();
      return needFold.then(function () {
        var pq = parse(text);
        if (!pq) {
          return { total: 0, pages: [], marks: { words: [], stems: [] }, ids: [] };
        }
        return search(pq).then(function (r) {
          return docs(r.ids.slice(0, n)).then(function (pages) {
            pages.forEach(function (p) { p.score = r.scores.get(p.id) || 0; });
            return { total: r.ids.length, pages: pages, marks: r.marks, ids: r.ids, parsed: pq };
          });
        });
      });
    });
  }

  function ready() {
    if (manifest) {
      return Promise.resolve();
    }
    return new Promise(function (resolve) {
      (pending.main = pending.main || []).push(resolve);
    });
  }

  G.engine = { parse: parse, fold: fold, tokens: tokens, query: query, loadFold: loadFold, ready: ready };

  // ---- The search page. ----

  var doc = root.document;
  if (!doc) {
    return;
  }
  var out = doc.getElementById("search-results");
  if (!out) {
    return;
  }
  function msg(key, vars, english) {
    return root.gitwiki && root.gitwiki.msg ? root.gitwiki.msg(out, key, vars, english) : english;
  }
  var inputs = ["search-q", "site-search-q"].map(function (id) {
    return doc.getElementById(id);
  }).filter(Boolean);

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // snippet marks, in a page's opening, the words the query matched.
  function snippet(text, marks) {
    var p = el("p", "result-snippet");
    var pos = 0;
    tokens(text).forEach(function (t) {
      var f = fold(t.raw);
      var hit = marks.words.indexOf(f) >= 0 || marks.stems.some(function (s) { return f.slice(0, s.length) === s; });
      if (!hit) {
        return;
      }
      if (t.start > pos) {
        p.appendChild(doc.createTextNode(text.slice(pos, t.start)));
      }
      p.appendChild(el("mark", "", text.slice(t.start, t.end)));
      pos = t.end;
    });
    if (pos < text.length) {
      p.appendChild(doc.createTextNode(text.slice(pos)));
    }
    return p;
  }

  var seq = 0;

  function clear() {
    while (out.firstChild) {
      out.removeChild(out.firstChild);
    }
  }

  function status(text) {
    var s = el("p", "search-count", text);
    s.setAttribute("role", "status");
    return s;
  }

  function show(text) {
    var mine = ++seq;
    var q = text.trim();
    if (q === "") {
      clear();
      out.appendChild(el("p", "empty", msg("js.search_empty", null, "Type a few words to search the titles and text of every page.")));
      return;
    }
    var per = manifest ? manifest.rules.perPage : 10;
    query(text, per).then(function (r) {
      if (mine !== seq) {
        return;
      }
      clear();
      if (r.total === 0) {
        out.appendChild(status(msg("js.search_none", { q: q }, "No page matches “{q}”.")));
        return;
      }
      out.appendChild(status(msg("js.search_count", { count: r.total, q: q }, { one: "{count} page matches “{q}”.", other: "{count} pages match “{q}”." })));
      var list = el("ol", "results");
      out.appendChild(list);
      var shown = 0;
      function append(pages) {
        pages.forEach(function (page) {
          var li = el("li", "result");
          if (page.lang) {
            li.lang = page.lang;
          }
          var h = el("h2");
          var a = el("a", "", page.title || page.url);
          a.href = page.url;
          h.appendChild(a);
          li.appendChild(h);
          if (page.crumbs) {
            li.appendChild(el("p", "result-path", page.crumbs));
          }
          if (page.text) {
            li.appendChild(snippet(page.text, r.marks));
          }
          list.appendChild(li);
        });
        shown += pages.length;
        if (shown < r.total) {
          var more = el("button", "button search-more", msg("js.search_more", null, "Show more results"));
          more.type = "button";
          more.addEventListener("click", function () {
            more.disabled = true;
            docs(r.ids.slice(shown, shown + per)).then(function (next) {
              if (mine === seq) {
                more.remove();
                append(next);
              }
            });
          });
          out.appendChild(more);
        }
      }
      append(r.pages);
    }, function (err) {
      if (mine !== seq) {
        return;
      }
      clear();
      out.appendChild(status(err && err.code ? msg("js.search_refused", { reason: err.message }, "This search cannot be run: {reason}.") : msg("js.search_broken", null, "The search index could not be read.")));
    });
  }

  var initial = new URLSearchParams(root.location.search).get("q") || "";
  inputs.forEach(function (input) {
    if (!input.value) {
      input.value = initial;
    }
  });
  show(initial);

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
})(typeof window !== "undefined" ? window : globalThis);
