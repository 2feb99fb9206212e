// Browser checks of the default theme, run by TestBrowser (internal/e2e):
//
//   node browser.mjs BASE_URL SCREENSHOT_DIR
//
// It drives the system Chromium through playwright-core (no browser download)
// against a running gitwiki, saves full-page screenshots for a human to look
// at, and checks what a reader relies on: no script errors, no request to any
// other host, a working table of contents, navigation, skip link, landmarks,
// one <h1>, no sideways scrolling on a phone, and a usable page without
// JavaScript. It prints one PASS/FAIL line per check and exits 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [baseArg, shotArg] = process.argv.slice(2);
if (!baseArg || !shotArg) {
  console.error("usage: node browser.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const base = new URL(baseArg);
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });

const HOME = "/";
const ACTIVITY = "/Facilitation/Mapping-information-assets";
const PHONE = 390;
const DESKTOP = 1280;



// Makes an element visible the way a reader would: by opening each closed
// <details> around it (the phone menu, a collapsed TOC or folder) through
// its <summary>.
async function reveal(page, locator) {
  if (await locator.isVisible()) return;
  const count = await locator.evaluate((el) => {
    const chain = [];
    for (let d = el.parentElement; d; d = d.parentElement) {
      if (d.tagName === "DETAILS") chain.unshift(d);
    }
    chain.forEach((d, i) => d.setAttribute("data-e2e-details", String(i)));
    return chain.length;
  });
  for (let i = 0; i < count; i++) {
    const details = page.locator(`[data-e2e-details="${i}"]`);
    const summary = details.locator(":scope > summary");
    if (!(await details.evaluate((d) => d.open)) && (await summary.isVisible())) {
      await summary.click();
    }
  }
  await locator.waitFor({ state: "visible", timeout: 5000 });
}

// Finds the table of contents: a labelled nav whose links all point into the page.
async function tocLinks(page) {
  const index = await page.evaluate(() => {
    const navs = [...document.querySelectorAll("nav")];
    return navs.findIndex((n) => {
      const links = [...n.querySelectorAll("a[href]")];
      const label = (n.getAttribute("aria-label") || n.getAttribute("aria-labelledby") || "").toLowerCase();
      return links.length >= 2 && links.every((a) => a.getAttribute("href").startsWith("#")) && !label.includes("breadcrumb");
    });
  });
  if (index < 0) return null;
  return page.locator("nav").nth(index).locator('a[href^="#"]');
}

// Finds the site navigation: the first nav landmark with links to other pages
// that is neither breadcrumbs, nor the table of contents, nor in the footer.
async function siteNav(page) {
  const index = await page.evaluate(() => {
    const navs = [...document.querySelectorAll("nav")];
    return navs.findIndex((n) => {
      const label = (n.getAttribute("aria-label") || "").toLowerCase();
      if (label.includes("breadcrumb") || n.closest("footer, main")) return false;
      return [...n.querySelectorAll("a[href]")].some((a) => {
        const h = a.getAttribute("href");
        return h.startsWith("/") && !h.startsWith("/-/");
      });
    });
  });
  return index < 0 ? null : page.locator("nav").nth(index);
}

async function newPage(browser, scope, opts) {
  const context = await browser.newContext({
    viewport: { width: opts.width, height: opts.width <= PHONE ? 844 : 900 },
    deviceScaleFactor: 1,
    colorScheme: opts.scheme || "light",
    reducedMotion: "reduce",
    javaScriptEnabled: opts.js !== false,
    serviceWorkers: "block",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = { console: [], pageerror: [], offsite: [], failed: [] };
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(m.text()); });
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (["data:", "blob:", "about:"].includes(u.protocol)) return;
    if (u.host !== base.host) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => {
    const u = new URL(r.url());
    const error = r.failure() ? r.failure().errorText : "";
    // Chromium asks for the favicon after the load event, so a click that
    // follows at once (on a busy machine) cancels it: not a server failure.
    if (error === "net::ERR_ABORTED" && /\/favicon\.[0-9a-f]+\.svg$/.test(u.pathname)) return;
    if (u.host === base.host) problems.failed.push(`${r.url()} ${error}`);
  });
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.host === base.host && r.status() >= 400 && r.request().resourceType() !== "document") {
      problems.failed.push(`${r.status()} ${r.url()}`);
    }
  });
  // Nothing may leave loopback: anything else is recorded above and aborted.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    return u.host === base.host ? route.continue() : route.abort("blockedbyclient");
  });
  return { context, page, problems, scope, name: opts.name };
}

function checkProblems({ scope, problems }) {
  for (const k of Object.keys(problems)) problems[k] = [...new Set(problems[k])];
  check(scope, "no console errors", problems.console.length === 0, problems.console.slice(0, 5).join(" | "));
  check(scope, "no uncaught page errors", problems.pageerror.length === 0, problems.pageerror.slice(0, 5).join(" | "));
  check(scope, "no request to another host", problems.offsite.length === 0, problems.offsite.slice(0, 5).join(" "));
  check(scope, "every same-origin request succeeded", problems.failed.length === 0, problems.failed.slice(0, 5).join(" | "));
}

// load opens a page; when it cannot, the scenario's other checks are left out.
async function load(t, pathname) {
  return attempt(t.scope, `GET ${pathname} is 200`, async () => {
    const resp = await t.page.goto(new URL(pathname, base).href, { waitUntil: "load" });
    await t.page.evaluate(() => document.fonts && document.fonts.ready);
    return [!!resp && resp.status() === 200, resp ? String(resp.status()) : "no response"];
  });
}

// screenshot saves the whole page, or with fullPage false only the viewport:
// that shows sticky and fixed parts where a reader sees them.
async function screenshot(t, suffix = "", fullPage = true) {
  const file = path.join(shotDir, `${t.name}${suffix}.png`);
  await t.page.screenshot({ path: file, fullPage });
  console.log(`SHOT [${t.scope}] ${file}`);
}

async function structureChecks(t, width) {
  const { page, scope } = t;
  await attempt(scope, "exactly one <h1>", async () => {
    const n = await page.locator("h1").count();
    return [n === 1, `${n} found`];
  });
  await attempt(scope, "one <main> landmark", async () => {
    const n = await page.getByRole("main").count();
    return [n === 1, `${n} found`];
  });
  await attempt(scope, "<html lang> is set", async () => {
    const lang = await page.evaluate(() => document.documentElement.lang);
    return [!!lang, lang];
  });
  await attempt(scope, "every image loaded", async () => {
    const broken = await page.evaluate(() => [...document.images]
      .filter((i) => i.complete && i.naturalWidth === 0 && i.loading !== "lazy").map((i) => i.currentSrc || i.src));
    return [broken.length === 0, broken.join(" ")];
  });
  if (width <= PHONE) {
    await attempt(scope, `no horizontal scrolling at ${width}px`, async () => {
      const r = await page.evaluate((w) => {
        const sw = document.documentElement.scrollWidth;
        const wide = [];
        for (const el of document.querySelectorAll("body *")) {
          const b = el.getBoundingClientRect();
          if (b.width > 0 && b.right > w + 1 && !el.closest("[hidden]")) {
            const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "";
            wide.push(`${el.tagName.toLowerCase()}${cls}→${Math.round(b.right)}px`);
          }
        }
        return { sw, wide: wide.slice(0, 6) };
      }, width);
      return [r.sw <= width, `scrollWidth ${r.sw}${r.wide.length ? "; wider: " + r.wide.join(", ") : ""}`];
    });
  }
}

async function skipLinkCheck(t) {
  const { page, scope } = t;
  await attempt(scope, "skip link moves focus to <main>", async () => {
    await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); });
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a.tagName !== "A") return { ok: false, what: a ? a.tagName : "nothing" };
      const b = a.getBoundingClientRect();
      return {
        ok: true, href: a.getAttribute("href") || "", text: a.textContent.trim(),
        shown: b.width > 1 && b.height > 1 && b.bottom > 0 && b.top < window.innerHeight,
      };
    });
    if (!first.ok) return [false, `first Tab stop is ${first.what}, not a link`];
    if (!first.href.startsWith("#")) return [false, `first Tab stop is ${first.href}, not a skip link`];
    if (!first.shown) return [false, `skip link "${first.text}" is not visible when focused`];
    await page.keyboard.press("Enter");
    await page.waitForTimeout(100);
    const landed = await page.evaluate((href) => {
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      const main = document.querySelector("main, [role=main]");
      const a = document.activeElement;
      return {
        targetInMain: !!(target && main && (target === main || main.contains(target))),
        focusInMain: !!(main && a && (a === main || main.contains(a))),
        focus: a ? a.tagName.toLowerCase() + (a.id ? "#" + a.id : "") : "none",
      };
    }, first.href);
    return [landed.targetInMain && landed.focusInMain, `"${first.text}" → ${first.href}, focus on ${landed.focus}`];
  });
}

async function tocCheck(t) {
  const { page, scope } = t;
  await attempt(scope, "table of contents jumps to its heading", async () => {
    const links = await tocLinks(page);
    if (!links) return [false, "no nav whose links all point into the page"];
    const n = await links.count();
    const link = links.nth(Math.min(n - 1, Math.max(1, Math.floor(n / 2))));
    const href = await link.getAttribute("href");
    await reveal(page, link);
    await link.click();
    await page.waitForFunction((h) => location.hash === h, href, { timeout: 5000 });
    await screenshot(t, "-toc", false);
    const target = await page.evaluate((h) => {
      const el = document.getElementById(decodeURIComponent(h.slice(1)));
      if (!el) return null;
      const b = el.getBoundingClientRect();
      return { tag: el.tagName, top: Math.round(b.top), vh: window.innerHeight };
    }, href);
    if (!target) return [false, `${href}: no element with that id`];
    const heading = /^H[1-6]$/.test(target.tag);
    const inView = target.top >= -2 && target.top < target.vh;
    return [heading && inView, `${n} links; ${href} → <${target.tag.toLowerCase()}> at y=${target.top}`];
  });
}

async function navCheck(t, from) {
  const { page, scope } = t;
  await attempt(scope, "site navigation leads to another page", async () => {
    await page.goto(new URL(from, base).href, { waitUntil: "load" });
    const nav = await siteNav(page);
    if (!nav) return [false, "no site nav landmark with page links"];
    const label = await nav.getAttribute("aria-label");
    const before = await page.locator("h1").first().innerText();
    const current = new URL(page.url()).pathname;
    let link = nav.locator('a[href="/Glossary"]').first();
    if ((await link.count()) === 0 || current === "/Glossary") {
      link = nav.locator('a[href^="/"]:not([href^="/-/"]):not([aria-current])').first();
    }
    const href = await link.getAttribute("href");
    await reveal(page, link);
    await screenshot(t, "-nav", false);
    await Promise.all([page.waitForURL((u) => u.pathname === href), link.click()]);
    const after = await page.locator("h1").first().innerText();
    const h1s = await page.locator("h1").count();
    const ok = new URL(page.url()).pathname === href && after !== before && h1s === 1;
    return [ok, `nav "${label}": ${current} → ${href}, <h1> "${before}" → "${after}"`];
  });
}

async function contentCheck(t) {
  const { page, scope } = t;
  await attempt(scope, "page shows its content", async () => {
    const h1 = page.locator("h1").first();
    const visible = await h1.isVisible();
    const text = (await page.getByRole("main").innerText()).trim().length;
    return [visible && text > 200, `<h1> visible: ${visible}, ${text} characters in <main>`];
  });
}

async function darkCheck(browser) {
  const bg = async (t) => t.page.evaluate(() => {
    const lum = (c) => {
      const m = c.match(/[\d.]+/g);
      if (!m || (m.length > 3 && Number(m[3]) === 0)) return null;
      const [r, g, b] = m.slice(0, 3).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    return lum(getComputedStyle(document.body).backgroundColor) ?? lum(getComputedStyle(document.documentElement).backgroundColor) ?? 1;
  });
  const t = await newPage(browser, `activity ${DESKTOP} dark`, { width: DESKTOP, scheme: "dark", name: `activity-${DESKTOP}-dark` });
  if (!(await load(t, ACTIVITY))) return t.context.close();
  await screenshot(t);
  await attempt(t.scope, "dark colour scheme gives a dark background", async () => {
    const l = await bg(t);
    return [l < 0.35, `background luminance ${l.toFixed(2)}`];
  });
  await attempt(t.scope, "text is light on the dark background", async () => {
    const c = await t.page.evaluate(() => getComputedStyle(document.querySelector("main p, main li") || document.body).color);
    const m = c.match(/[\d.]+/g).map(Number);
    const l = (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
    return [l > 0.6, `${c}`];
  });
  await structureChecks(t, DESKTOP);
  checkProblems(t);
  await t.context.close();
}

// suggestCheck types in the header search box: pages whose titles match
// are offered in a listbox, the arrow keys choose one, Enter opens it, and
// Escape closes the list.
async function suggestCheck(browser, width) {
  const t = await newPage(browser, `suggestions ${width}`, { width, name: `suggest-${width}` });
  if (!(await load(t, HOME))) {
    await t.context.close();
    return;
  }
  const { page, scope } = t;
  const box = page.locator("#site-search-q");
  const options = page.locator("#site-search-suggestions [role=option]");
  await attempt(scope, "typing offers pages whose titles match", async () => {
    await box.click();
    await box.pressSequentially("mapping inf", { delay: 20 });
    await options.first().waitFor({ state: "visible" });
    const titles = await options.allInnerTexts();
    const expanded = await box.getAttribute("aria-expanded");
    return [expanded === "true" && titles.some((x) => /Mapping information assets/i.test(x)), `${expanded}: ${titles.join(" | ")}`];
  });
  await screenshot(t, "", false);
  await attempt(scope, "the arrow keys choose a suggestion and Enter opens it", async () => {
    await box.press("ArrowDown");
    const id = await box.getAttribute("aria-activedescendant");
    const href = await page.locator(`#${id} a`).getAttribute("href");
    await Promise.all([page.waitForURL((u) => u.pathname === new URL(href, base).pathname), box.press("Enter")]);
    return [!!id && new URL(page.url()).pathname === new URL(href, base).pathname, `${id} → ${page.url()}`];
  });
  await attempt(scope, "Escape closes the suggestions", async () => {
    const again = page.locator("#site-search-q");
    await again.click();
    await again.pressSequentially("mapping", { delay: 20 });
    await options.first().waitFor({ state: "visible" });
    await again.press("Escape");
    await page.locator("#site-search-suggestions").waitFor({ state: "hidden" });
    return [(await again.getAttribute("aria-expanded")) === "false", "closed"];
  });
  checkProblems(t);
  await t.context.close();
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} against ${base.href}; screenshots in ${shotDir}`);
  try {
    for (const [name, pathname] of [["home", HOME], ["activity", ACTIVITY]]) {
      for (const width of [PHONE, DESKTOP]) {
        const t = await newPage(browser, `${name} ${width} light`, { width, name: `${name}-${width}-light` });
        if (!(await load(t, pathname))) {
          await t.context.close();
          continue;
        }
        await screenshot(t);
        await structureChecks(t, width);
        await skipLinkCheck(t);
        await tocCheck(t);
        await navCheck(t, pathname);
        checkProblems(t);
        await t.context.close();
      }
    }
    await darkCheck(browser);
    for (const width of [PHONE, DESKTOP]) await suggestCheck(browser, width);

    // Without JavaScript the theme must still read and navigate.
    for (const width of [PHONE, DESKTOP]) {
      const t = await newPage(browser, `activity ${width} no-js`, { width, js: false, name: `activity-${width}-nojs` });
      if (!(await load(t, ACTIVITY))) {
        await t.context.close();
        continue;
      }
      await screenshot(t);
      await contentCheck(t);
      await structureChecks(t, width);
      await tocCheck(t);
      await navCheck(t, ACTIVITY);
      checkProblems(t);
      await t.context.close();
    }
  } finally {
    await browser.close();
  }
  finish("browser checks");
}

main().catch((e) => {
  console.error("browser.mjs crashed:", e);
  process.exit(1);
});
