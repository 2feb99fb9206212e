// Accessibility checks of a running wiki with axe-core, run by
// TestAccessibility (internal/e2e):
//
//   node axe.mjs BASE_URL SCREENSHOT_DIR NAME=PATH[,status=404][,login][,propose] ...
//
// Each page is opened in the system Chromium at 390 and 1280 px, in the light
// and the dark colour scheme, and axe-core (from node_modules, pinned by
// package-lock.json) runs on it with its default rules: any violation fails,
// and each is printed with its rule, impact and the elements at fault.
//
// With login, the page is seen by the maintainer AXE_USER (password
// AXE_PASSWORD). With propose, PATH is a page whose editor opens a proposal
// as an anonymous contributor would, through the web form, and the checks
// run on the proposal page it leads to (the proposal's address is printed as
// RESULT proposal=…). A screenshot of each goes to SCREENSHOT_DIR/axe-NAME-
// WIDTH[-dark].png. At 390 px each page is also checked for a header under
// 70 px high and no sideways scrolling. One PASS/FAIL line per check; exit 1
// on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [base, shotArg, ...specArgs] = process.argv.slice(2);
if (!base || !shotArg || specArgs.length === 0) {
  console.error("usage: node axe.mjs BASE_URL SCREENSHOT_DIR NAME=PATH[,status=N][,login][,propose] ...");
  process.exit(2);
}
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const origin = new URL(base).origin;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WIDTHS = [390, 1280];
const SCHEMES = ["light", "dark"];
const HEADER_MAX = 70;

function parse(spec) {
  const [name, rest] = spec.split(/=(.*)/s);
  const [p, ...opts] = rest.split(",");
  const o = { name, path: p, status: 200 };
  for (const opt of opts) {
    const [k, v] = opt.split(/=(.*)/s);
    o[k] = v === undefined ? true : v;
  }
  o.status = Number(o.status);
  return o;
}

// contextFor opens a browser context of one width and scheme that lets no
// request leave the server and records script errors.
async function contextFor(browser, width, scheme) {
  const context = await browser.newContext({
    viewport: { width, height: width <= 390 ? 844 : 900 }, deviceScaleFactor: 1, reducedMotion: "reduce",
    colorScheme: scheme, serviceWorkers: "block", locale: "en-US",
    // The server's Content-Security-Policy refuses every inline script,
    // axe's too; requests to other hosts are still refused below.
    bypassCSP: true,
  });
  const problems = { pageerror: [], offsite: [] };
  await context.route((u) => !u.href.startsWith(origin) && !/^(data|blob|about):/.test(u.href), (route) => {
    problems.offsite.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  return { context, page, problems };
}

async function login(page) {
  await page.goto(new URL("/-/login", base).href, { waitUntil: "load" });
  await page.getByLabel("Name").fill(process.env.AXE_USER || "");
  await page.getByLabel("Password").fill(process.env.AXE_PASSWORD || "");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator("form.form button[type=submit]").click()]);
  return page.locator(".site-user").count();
}

// propose opens a proposal through the editor's form, as an anonymous
// contributor, and returns the proposal's path.
async function propose(browser, pagePath) {
  const { context, page } = await contextFor(browser, 1280, "light");
  try {
    await page.goto(new URL("/-/edit" + pagePath, base).href, { waitUntil: "load" });
    const text = page.locator("textarea[name=content]");
    await text.fill((await text.inputValue()).replace(/\n*$/, "\n\nA sentence added to check the proposal page.\n"));
    await Promise.all([page.waitForURL(/\/-\/proposals\/\d+/, { waitUntil: "load" }), page.locator('button[name="action"][value="save"]').click()]);
    return new URL(page.url()).pathname;
  } finally {
    await context.close();
  }
}

// audit runs axe on the page as it is and returns its violations.
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: (n.failureSummary || "").split("\n").slice(0, 3).join(" ") })),
    }));
  });
}

function report(violations) {
  const lines = [];
  for (const v of violations) {
    for (const n of v.nodes.slice(0, 8)) lines.push(`  ${v.id} (${v.impact}) ${n.target}: ${n.summary}`);
    if (v.nodes.length > 8) lines.push(`  ${v.id}: ${v.nodes.length - 8} more elements`);
  }
  return lines.join("\n");
}

async function visit(t, spec, width, scheme) {
  const scope = `${spec.name} ${width}px ${scheme}${spec.login ? " maintainer" : ""}`;
  const ok = await attempt(scope, `GET ${spec.path} is ${spec.status}`, async () => {
    const resp = await t.page.goto(new URL(spec.path, base).href, { waitUntil: "load" });
    return [resp.status() === spec.status, `status ${resp.status()}`];
  });
  if (!ok) return;
  await t.page.evaluate(() => document.fonts && document.fonts.ready);
  await attempt(scope, "axe-core finds no violation", async () => {
    const violations = await audit(t.page);
    if (violations.length) console.log(report(violations));
    return [violations.length === 0, violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}`).join(", ")];
  });
  if (width <= 390) {
    // Issue 12: the phone header took 117 px before any content.
    await attempt(scope, `the header is one compact row (under ${HEADER_MAX} px) and the page does not scroll sideways`, async () => {
      const m = await t.page.evaluate(() => ({
        header: document.querySelector(".site-header")?.getBoundingClientRect().height ?? 0,
        scroll: document.documentElement.scrollWidth,
      }));
      return [m.header > 0 && m.header < HEADER_MAX && m.scroll <= width, `header ${Math.round(m.header)} px, page ${m.scroll} px wide`];
    });
  }
  const file = path.join(shotDir, `axe-${spec.name}-${width}${scheme === "dark" ? "-dark" : ""}.png`);
  await t.page.screenshot({ path: file, fullPage: false });
  console.log(`SHOT [${scope}] ${file}`);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  const specs = specArgs.map(parse);
  for (const spec of specs.filter((s) => s.propose)) {
    const ok = await attempt(spec.name, `a proposal to ${spec.path} opens through the editor's form`, async () => {
      spec.path = await propose(browser, spec.path);
      console.log(`RESULT proposal=${spec.path}`);
      return [true, spec.path];
    });
    if (!ok) spec.skip = true;
  }
  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      for (const asMaintainer of [false, true]) {
        const todo = specs.filter((s) => !s.skip && !!s.login === asMaintainer);
        if (todo.length === 0) continue;
        const t = await contextFor(browser, width, scheme);
        if (asMaintainer) {
          const ok = await attempt(`maintainer ${width}px ${scheme}`, "logs in", async () => [(await login(t.page)) === 1, t.page.url()]);
          if (!ok) { await t.context.close(); continue; }
        }
        for (const spec of todo) await visit(t, spec, width, scheme);
        const scope = `${width}px ${scheme}${asMaintainer ? " maintainer" : ""}`;
        check(scope, "no uncaught page errors", t.problems.pageerror.length === 0, t.problems.pageerror.slice(0, 3).join(" | "));
        check(scope, "no request leaves the server", t.problems.offsite.length === 0, t.problems.offsite.slice(0, 3).join(" "));
        await t.context.close();
      }
    }
  }
} finally {
  await browser.close();
}
finish(`axe.mjs ${base}`);
