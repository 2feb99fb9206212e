// engine.mjs runs the theme's search.js in Node, without a browser, on an
// offline index written by ExportIndex: the parity tests compare it with
// the server. Usage: node engine.mjs SEARCH_JS INDEX_DIR MAIN_FILE < requests
// Each request line is JSON {op, ...}; each answer line is JSON.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import readline from "node:readline";

const [searchJS, dir, main] = process.argv.slice(2);
const context = vm.createContext({ console, setTimeout, Promise, Map, Set, Intl, URLSearchParams });
vm.runInContext(fs.readFileSync(searchJS, "utf8"), context, { filename: "search.js" });
const G = context.gitwikiSearch;
const loaded = [];
G.loadScript = (url, onerror) => {
  setTimeout(() => {
    let src;
    try {
      src = fs.readFileSync(path.join(dir, url), "utf8");
    } catch (e) {
      onerror(e);
      return;
    }
    loaded.push(url);
    vm.runInContext(src, context, { filename: url });
  }, 0);
};
vm.runInContext(fs.readFileSync(path.join(dir, main), "utf8"), context, { filename: main });
const E = G.engine;

const rl = readline.createInterface({ input: process.stdin });
const out = [];
for await (const line of rl) {
  if (!line.trim()) {
    continue;
  }
  const req = JSON.parse(line);
  let res;
  try {
    switch (req.op) {
    case "fold":
      await E.loadFold();
      res = req.in.map((s) => E.fold(s));
      break;
    case "tokens":
      res = req.in.map((s) => E.tokens(s).map((t) => t.raw));
      break;
    case "parse":
      await E.loadFold();
      res = req.in.map((s) => {
        try {
          return { parsed: E.parse(s) };
        } catch (e) {
          return { error: e.code || String(e) };
        }
      });
      break;
    case "query": {
      loaded.length = 0;
      const r = await E.query(req.q, req.n || 5);
      res = { total: r.total, pages: r.pages.map((p) => ({ url: p.url, title: p.title, score: p.score })), files: loaded.slice() };
      break;
    }
    default:
      throw new Error("unknown op " + req.op);
    }
  } catch (e) {
    res = { error: String(e && e.stack || e) };
  }
  out.push(JSON.stringify(res));
}
process.stdout.write(out.join("\n") + "\n");
