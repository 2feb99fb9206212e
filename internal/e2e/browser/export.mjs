// Browser checks of the static export, run by TestExportBrowser (internal/e2e):
//
//   node export.mjs EXPORT_DIR SCREENSHOT_DIR
//
// It opens an export of the starter wiki from file://, as someone who
// unzipped it would, in the system Chromium through playwright-core, and
// checks what an offline reader relies on: the sidebar leads to Facilitation
// and on to an activity, the offline search finds pages whatever the case
// and accents of the query and opens a result, the search page explains
// itself without JavaScript, there are no script errors, and no request
// leaves file://. One PASS/FAIL line per check; exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dirArg, shotArg] = process.argv.slice(2);
if (!dirArg || !shotArg) {
  console.error("usage: node export.mjs EXPORT_DIR SCREENSHOT_DIR");
  process.exit(2);
}
const root = pathToFileURL(path.resolve(dirArg) + "/");
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });

const DESKTOP = 1280;



async function newPage(browser, scope, js = true) {
  const context = await browser.newContext({
    viewport: { width: DESKTOP, height: 900 },
    deviceScaleFactor: 1,
    reducedMotion: "reduce",
    javaScriptEnabled: js,
    serviceWorkers: "block",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = { console: [], pageerror: [], offsite: [], failed: [] };
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(m.text()); });
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["file:", "data:", "blob:", "about:"].includes(u.protocol)) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => {
    const error = r.failure() ? r.failure().errorText : "";
    // The favicon is asked for after the load event; a click that follows
    // at once cancels it. Not a broken file.
    if (error === "net::ERR_ABORTED" && /\/favicon\.[0-9a-f]+\.svg$/.test(r.url())) return;
    problems.failed.push(`${r.url()} ${error}`);
  });
  // Anything that is not a local file is recorded above and aborted here.
  await context.route(/^(?!file:|data:|blob:|about:)/, (route) => route.abort("blockedbyclient"));
  return { context, page, problems, scope };
}

function checkProblems({ scope, problems }) {
  for (const k of Object.keys(problems)) problems[k] = [...new Set(problems[k])];
  check(scope, "no console errors", problems.console.length === 0, problems.console.slice(0, 5).join(" | "));
  check(scope, "no uncaught page errors", problems.pageerror.length === 0, problems.pageerror.slice(0, 5).join(" | "));
  check(scope, "no request leaves file://", problems.offsite.length === 0, problems.offsite.slice(0, 5).join(" "));
  check(scope, "every file loaded", problems.failed.length === 0, problems.failed.slice(0, 5).join(" | "));
}

async function screenshot(t, name) {
  const file = path.join(shotDir, `export-${name}.png`);
  await t.page.screenshot({ path: file, fullPage: false });
  console.log(`SHOT [${t.scope}] ${file}`);
}

const rel = (u) => decodeURIComponent(new URL(u).pathname).slice(decodeURIComponent(root.pathname).length);

// clickTo clicks a link and waits for the page it leads to.
async function clickTo(page, link) {
  const href = await link.evaluate((a) => a.href);
  await Promise.all([page.waitForURL((u) => u.href.split("#")[0] === href.split("#")[0]), link.click()]);
  return href;
}

async function navigation(browser) {
  const t = await newPage(browser, "navigate");
  const { page, scope } = t;
  let ok = await attempt(scope, "home page opens from file://", async () => {
    await page.goto(new URL("index.html", root).href, { waitUntil: "load" });
    const h1 = await page.locator("h1").first().innerText();
    const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    return [page.url().startsWith("file://") && h1.length > 0, `<h1> "${h1}", font ${css.split(",")[0]}`];
  });
  if (ok) {
    ok = await attempt(scope, "sidebar leads to Facilitation", async () => {
      const link = page.locator("nav.sidebar a", { hasText: /^Facilitation$/ }).first();
      await link.waitFor({ state: "visible" });
      await clickTo(page, link);
      const h1 = await page.locator("h1").first().innerText();
      return [rel(page.url()) === "Facilitation/index.html" && /Facilitation/.test(h1), `${rel(page.url())}, <h1> "${h1}"`];
    });
  }
  if (ok) {
    await attempt(scope, "Facilitation leads to an activity", async () => {
      const link = page.locator("main a", { hasText: "Mapping information assets" }).first();
      await clickTo(page, link);
      const h1 = await page.locator("h1").first().innerText();
      const main = (await page.getByRole("main").innerText()).length;
      await screenshot(t, "activity");
      return [rel(page.url()) === "Facilitation/Mapping-information-assets/index.html" && h1 === "Mapping information assets" && main > 200,
        `${rel(page.url())}, <h1> "${h1}", ${main} characters`];
    });
    await attempt(scope, "breadcrumbs lead back home", async () => {
      const link = page.locator("nav.breadcrumbs a").first();
      await clickTo(page, link);
      return [rel(page.url()) === "index.html", rel(page.url())];
    });
  }
  checkProblems(t);
  await t.context.close();
}

async function search(browser) {
  const t = await newPage(browser, "search");
  const { page, scope } = t;
  // From the header search box of a page, as a reader would.
  let ok = await attempt(scope, "header search box opens the search page", async () => {
    await page.goto(new URL("Guides/index.html", root).href, { waitUntil: "load" });
    const box = page.locator("#site-search-q");
    await box.fill("CHECKPOINT");
    await Promise.all([page.waitForURL(/\/-\/search\/index\.html\?q=/), box.press("Enter")]);
    await page.locator("#search-results .result").first().waitFor();
    const n = await page.locator("#search-results .result").count();
    return [n > 0, `${rel(page.url())}${new URL(page.url()).search}: ${n} results`];
  });
  if (ok) {
    ok = await attempt(scope, "typing an accented query finds unaccented text", async () => {
      const input = page.locator("#search-q");
      await input.fill("");
      await input.pressSequentially("chéckpoïnt", { delay: 20 });
      await page.waitForFunction(() => {
        const s = document.querySelector("#search-results .search-count");
        return s && s.textContent.includes("chéckpoïnt");
      });
      const titles = await page.locator("#search-results .result h2 a").allInnerTexts();
      const marks = await page.locator("#search-results .result mark").allInnerTexts();
      await screenshot(t, "search");
      const hit = titles.some((x) => /checkpoint/i.test(x));
      const marked = marks.length > 0 && marks.every((m) => /^checkpoint$/i.test(m));
      return [hit && marked, `${titles.length} results: ${titles.slice(0, 3).join(" | ")}; marked ${marks.slice(0, 3).join(", ")}`];
    });
  }
  if (ok) {
    await attempt(scope, "a result opens its page", async () => {
      const link = page.locator("#search-results .result h2 a", { hasText: /checkpoint/i }).first();
      const title = await link.innerText();
      await clickTo(page, link);
      const h1 = await page.locator("h1").first().innerText();
      return [page.url().startsWith("file://") && h1 === title, `${rel(page.url())}: <h1> "${h1}"`];
    });
  }
  await attempt(scope, "a query that matches nothing says so", async () => {
    await page.goto(new URL("-/search/index.html?q=zzyzxq", root).href, { waitUntil: "load" });
    const status = await page.locator("#search-results .search-count").innerText();
    return [/No page matches/.test(status), status];
  });
  checkProblems(t);
  await t.context.close();

  const nojs = await newPage(browser, "search no-js", false);
  await attempt(nojs.scope, "without JavaScript the search page explains and lists every page A to Z", async () => {
    await nojs.page.goto(new URL("-/search/index.html", root).href, { waitUntil: "load" });
    const text = await nojs.page.getByRole("main").innerText();
    const links = nojs.page.locator("main nav.az ul a");
    const count = await links.count();
    const link = links.filter({ hasText: /^Facilitation$/ }).first();
    await clickTo(nojs.page, link);
    return [/needs JavaScript/.test(text) && count >= 5 && rel(nojs.page.url()) === "Facilitation/index.html",
      `${count} pages listed; ${rel(nojs.page.url())}`];
  });
  checkProblems(nojs);
  await nojs.context.close();
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} on ${root.href}; screenshots in ${shotDir}`);
  try {
    await navigation(browser);
    await search(browser);
  } finally {
    await browser.close();
  }
  finish("export browser checks");
}

main().catch((e) => {
  console.error("export.mjs crashed:", e);
  process.exit(1);
});
