// Browser checks of the export's offline search on a large wiki, run by
// TestExportSearchBrowser (internal/e2e):
//
//   node search.mjs EXPORT_DIR QUERIES_JSON SCREENSHOT_DIR
//
// QUERIES_JSON lists {q, total, top, scores, maxBytes}: the server's answer to
// each query. For each, the search page is opened from file:// with ?q=, and
// the count, the top five (pages whose server scores tie may swap) and the
// bytes of index the page loaded (the manifest and every chunk it appended)
// are checked. One PASS/FAIL line per check; exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dirArg, queriesArg, shotArg] = process.argv.slice(2);
if (!dirArg || !queriesArg || !shotArg) {
  console.error("usage: node search.mjs EXPORT_DIR QUERIES_JSON SCREENSHOT_DIR");
  process.exit(2);
}
const dir = path.resolve(dirArg);
const root = pathToFileURL(dir + "/");
const searchDir = path.join(dir, "-", "search");
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const queries = JSON.parse(readFileSync(queriesArg, "utf8"));
const mainFile = readdirSync(searchDir).find((f) => /^main\.[0-9a-f]+\.js$/.test(f));
const size = (f) => statSync(path.join(searchDir, f)).size;
const rel = (u) => decodeURIComponent(new URL(u).pathname).slice(decodeURIComponent(root.pathname).length);

// sameTop compares the top five with the server's first ten: at every
// rank, the page shown must score, on the server, what the server's page
// at that rank scores, to within 0.5% (the offline index keeps scores to
// about 0.03% and sums them in another order), so equal pages may come in
// either order.
function sameTop(got, w) {
  const want = w.top.slice(0, 5);
  if (got.length !== want.length) return false;
  return got.every((page, i) => {
    const k = w.top.indexOf(page);
    return k >= 0 && Math.abs(w.scores[k] - w.scores[i]) <= 0.005 * Math.max(w.scores[k], w.scores[i]);
  });
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} on ${root.href}; screenshots in ${shotDir}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
  const problems = { console: [], pageerror: [], offsite: [], failed: [] };
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(m.text()); });
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  page.on("request", (r) => {
    if (!["file:", "data:", "blob:", "about:"].includes(new URL(r.url()).protocol)) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => {
    if (/\/favicon\.[0-9a-f]+\.svg$/.test(r.url())) return;
    problems.failed.push(`${r.url()} ${r.failure() ? r.failure().errorText : ""}`);
  });
  await context.route(/^(?!file:|data:|blob:|about:)/, (route) => route.abort("blockedbyclient"));
  try {
    for (const w of queries) {
      const scope = `search "${w.q}"`;
      let got = null;
      const ok = await attempt(scope, "the search page answers from file://", async () => {
        await page.goto(new URL("-/search/index.html?q=" + encodeURIComponent(w.q), root).href, { waitUntil: "load" });
        await page.locator("#search-results .search-count").waitFor();
        const status = await page.locator("#search-results .search-count").innerText();
        // The count is written as the interface language writes numbers (1,207).
        const m = /^([\d,.\u00a0\u202f]+) pages? match/.exec(status);
        const total = /^No page matches/.test(status) ? 0 : m ? Number(m[1].replace(/[^\d]/g, "")) : -1;
        const hrefs = await page.locator("#search-results .result h2 a").evaluateAll((as) => as.map((a) => a.href));
        const files = await page.evaluate(() => window.gitwikiSearch.files.slice());
        got = { total, top: hrefs.slice(0, 5).map(rel), files };
        return [total >= 0, status];
      });
      if (!ok) continue;
      check(scope, "the count is the server's", got.total === w.total, `${got.total}, server ${w.total}`);
      check(scope, "the top five are the server's", sameTop(got.top, w),
        `${got.top.join(" ")} | server ${w.top.slice(0, 5).join(" ")}`);
      const bytes = size(mainFile) + got.files.reduce((n, f) => n + size(f), 0);
      const detail = `${(bytes / 1024).toFixed(1)} KB in ${got.files.length + 1} files`;
      if (w.maxBytes) {
        check(scope, `index loaded within ${w.maxBytes / 1024} KB`, bytes <= w.maxBytes, detail);
      } else {
        console.log(`INFO [${scope}] index loaded: ${detail}`);
      }
    }
    await page.screenshot({ path: path.join(shotDir, "export-search-large.png") });
  } finally {
    for (const k of Object.keys(problems)) problems[k] = [...new Set(problems[k])];
    check("search", "no console errors", problems.console.length === 0, problems.console.slice(0, 5).join(" | "));
    check("search", "no uncaught page errors", problems.pageerror.length === 0, problems.pageerror.slice(0, 5).join(" | "));
    check("search", "no request leaves file://", problems.offsite.length === 0, problems.offsite.slice(0, 5).join(" "));
    check("search", "every file loaded", problems.failed.length === 0, problems.failed.slice(0, 5).join(" | "));
    await browser.close();
  }
  finish("export search checks");
}

main().catch((e) => {
  console.error("search.mjs crashed:", e);
  process.exit(1);
});
