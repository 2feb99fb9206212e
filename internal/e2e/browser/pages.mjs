// Browser checks of given pages of a running wiki, run by Go tests in
// internal/e2e that need to look at pages they made (an imported wiki, a
// page in Arabic):
//
//   node pages.mjs BASE_URL SCREENSHOT_DIR NAME=PATH@WIDTH[,dark][,lang=xx][,dir=rtl][,text=…][,locale=xx][,click=CSS][,at=…][,then=…] ...
//
// Each page is opened at its width in the system Chromium, and checked:
// it answers 200; every image loaded; no script errors; no request leaves
// the server; no Liquid ({{ or {%) and no block of escaped HTML shows as
// text; the <html> lang and dir, and a text, when the spec names them. A
// right-to-left page wide enough for the sidebar has it on the right. With
// click=, the first link the selector finds is followed, and the page it
// leads to must have at= in its address and then= in its text. A
// screenshot of each goes to SCREENSHOT_DIR/NAME.png for a person to look
// at. One PASS/FAIL line per check; exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [base, shotArg, ...specs] = process.argv.slice(2);
if (!base || !shotArg || specs.length === 0) {
  console.error("usage: node pages.mjs BASE_URL SCREENSHOT_DIR NAME=PATH@WIDTH[,options] ...");
  process.exit(2);
}
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const origin = new URL(base).origin;

function parse(spec) {
  const [name, rest] = spec.split(/=(.*)/s);
  const [where, ...opts] = rest.split(",");
  const [p, width] = where.split("@");
  const o = { name, path: p, width: Number(width || 1280), dark: false };
  for (const opt of opts) {
    const [k, v] = opt.split(/=(.*)/s);
    o[k] = v === undefined ? true : v;
  }
  return o;
}

async function visit(browser, spec) {
  const scope = spec.name;
  const context = await browser.newContext({
    viewport: { width: spec.width, height: 900 }, deviceScaleFactor: 1, reducedMotion: "reduce",
    colorScheme: spec.dark ? "dark" : "light", serviceWorkers: "block",
    locale: spec.locale || "en-US",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = { console: [], pageerror: [], offsite: [] };
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(m.text()); });
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(origin) && !/^(data|blob|about):/.test(r.url())) problems.offsite.push(r.url()); });
  await context.route((u) => !u.href.startsWith(origin) && !/^(data|blob|about):/.test(u.href), (route) => route.abort("blockedbyclient"));
  let ok = await attempt(scope, `GET ${spec.path} at ${spec.width} px`, async () => {
    const resp = await page.goto(new URL(spec.path, base).href, { waitUntil: "load" });
    return [resp.status() === 200, `status ${resp.status()}`];
  });
  if (ok) {
    await attempt(scope, "every image loaded", async () => {
      const broken = await page.evaluate(() => [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute("src")));
      const n = await page.evaluate(() => document.images.length);
      return [broken.length === 0, `${n} images${broken.length ? "; broken: " + broken.slice(0, 5).join(" ") : ""}`];
    });
    await attempt(scope, "no Liquid or escaped HTML shows as text", async () => {
      const text = await page.locator("main").innerText();
      const liquid = text.match(/\{\{|\{%/g) || [];
      const codeHTML = await page.evaluate(() => [...document.querySelectorAll("main pre")].filter((p) => /<\/?(div|p|span|table|img|h[1-6])\b/i.test(p.textContent)).length);
      return [liquid.length === 0 && codeHTML === 0, `${liquid.length} Liquid tags, ${codeHTML} code blocks of HTML`];
    });
    if (spec.lang) {
      await attempt(scope, `<html lang="${spec.lang}"${spec.dir ? ` dir="${spec.dir}"` : ""}>`, async () => {
        const got = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
        return [got[0] === spec.lang && (!spec.dir || got[1] === spec.dir), `lang "${got[0]}", dir "${got[1]}"`];
      });
    }
    if (spec.text) {
      await attempt(scope, `shows “${spec.text}”`, async () => {
        const text = await page.locator("body").innerText();
        return [text.includes(spec.text), `${text.length} characters`];
      });
    }
    if (spec.dir === "rtl" && spec.width >= 1000) {
      await attempt(scope, "the sidebar is on the right, the text right-aligned", async () => {
        const got = await page.evaluate(() => {
          const side = document.querySelector(".sidebar").getBoundingClientRect();
          const main = document.querySelector("main").getBoundingClientRect();
          const p = document.querySelector("main .prose p");
          return { side: side.left, main: main.left, align: p ? getComputedStyle(p).textAlign : "" };
        });
        return [got.side > got.main && (got.align === "start" || got.align === "right"), `sidebar at x=${Math.round(got.side)}, main at x=${Math.round(got.main)}, text-align ${got.align}`];
      });
    }
    const file = path.join(shotDir, `${spec.name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`SHOT [${scope}] ${file}`);
    if (spec.click) {
      await attempt(scope, `following ${spec.click}`, async () => {
        const before = page.url();
        await Promise.all([page.waitForURL((u) => u.href !== before, { waitUntil: "load" }), page.locator(spec.click).first().click()]);
        const text = await page.locator("body").innerText();
        const url = decodeURIComponent(page.url());
        return [(!spec.at || url.includes(spec.at)) && (!spec.then || text.includes(spec.then)), url.replace(origin, "")];
      });
      const after = path.join(shotDir, `${spec.name}-after.png`);
      await page.screenshot({ path: after, fullPage: false });
      console.log(`SHOT [${scope}] ${after}`);
    }
  }
  check(scope, "no console errors", problems.console.length === 0, problems.console.slice(0, 3).join(" | "));
  check(scope, "no uncaught page errors", problems.pageerror.length === 0, problems.pageerror.slice(0, 3).join(" | "));
  check(scope, "no request leaves the server", problems.offsite.length === 0, problems.offsite.slice(0, 3).join(" "));
  await context.close();
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  for (const spec of specs.map(parse)) await visit(browser, spec);
} finally {
  await browser.close();
}
finish(`pages.mjs ${base}`);
