// The small things of issue 12, item 5, in a real browser, run by
// TestSmallThings (internal/e2e):
//
//   SMALL_USER=mara SMALL_PASSWORD=... node small.mjs BASE_URL SCREENSHOT_DIR \
//     page=PATH deep=PATH diff=PATH print=PATH propose=PATH
//
// Against a running gitwiki with the starter wiki (policy "review") and one
// maintainer account, in the system Chromium:
//
//  - the phone header is one row under 70 px, and its search field opens
//    over the row when it takes the focus, then searches;
//  - breadcrumbs have no separator text and, wrapped at 390 px, never start
//    a line with a separator or leave one alone (deep is a page whose trail
//    wraps);
//  - at 390 px the diff is unified: two line-number columns, old then new,
//    under visible headings, a changed line's old text above its new text;
//    at 1280 px it stays side by side;
//  - printing heads the page with its address and does not repeat the
//    address of a link whose text is its address, but still gives it for
//    other links;
//  - the header's Log in link brings the maintainer back to the page;
//  - a proposal's private revise link, followed as typed, from the proposal
//    page and from a link on another site, opens the revision with a
//    token-free address bar and history; the token lives in an HttpOnly,
//    SameSite=Lax cookie of that proposal (Strict would be withheld after
//    the redirect of a link clicked on another site).
//
// One PASS/FAIL line per check; exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, attempt, check, finish } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [base, shotArg, ...specArgs] = process.argv.slice(2);
if (!base || !shotArg || specArgs.length === 0) {
  console.error("usage: node small.mjs BASE_URL SCREENSHOT_DIR page=PATH deep=PATH diff=PATH print=PATH propose=PATH");
  process.exit(2);
}
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const origin = new URL(base).origin;
const paths = Object.fromEntries(specArgs.map((a) => a.split(/=(.*)/s).slice(0, 2)));
const at = (p) => new URL(p, base).href;
const HEADER_MAX = 70;

// contextFor opens a browser context that lets no request leave the server,
// except to the made-up site "elsewhere.test", which route() answers here.
async function contextFor(browser, width, extra = {}) {
  const context = await browser.newContext({
    viewport: { width, height: width <= 390 ? 844 : 900 }, deviceScaleFactor: 1, reducedMotion: "reduce",
    serviceWorkers: "block", locale: "en-US", hasTouch: width <= 390, ...extra,
  });
  const problems = { pageerror: [], offsite: [] };
  await context.route((u) => !u.href.startsWith(origin) && !u.href.startsWith("http://elsewhere.test/") && !/^(data|blob|about):/.test(u.href), (route) => {
    problems.offsite.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => problems.pageerror.push(String(e)));
  return { context, page, problems };
}

async function closeChecked(scope, t) {
  check(scope, "no uncaught page errors", t.problems.pageerror.length === 0, t.problems.pageerror.slice(0, 3).join(" | "));
  check(scope, "no request leaves the server", t.problems.offsite.length === 0, t.problems.offsite.slice(0, 3).join(" "));
  await t.context.close();
}

async function shot(page, name) {
  const file = path.join(shotDir, `small-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  console.log(`SHOT [${name}] ${file}`);
}

// history is the tab's back-and-forward list, as Chromium keeps it.
async function history(page) {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send("Page.getNavigationHistory");
  await cdp.detach();
  return entries.map((e) => e.url);
}

async function phoneHeader(browser) {
  const scope = "header 390px";
  const t = await contextFor(browser, 390);
  const { page } = t;
  await page.goto(at(paths.page), { waitUntil: "load" });
  await attempt(scope, `the header is one row under ${HEADER_MAX} px, brand, search, Log in and Menu side by side`, async () => {
    const m = await page.evaluate(() => {
      const box = (sel) => document.querySelector(sel)?.getBoundingClientRect();
      const parts = [".brand", ".site-search", ".site-login", ".sidebar-menu > summary"].map(box);
      return { header: box(".site-header").height, tops: parts.map((r) => (r ? Math.round(r.top + r.height / 2) : -1)),
        rights: parts.map((r) => (r ? Math.round(r.right) : -1)), lefts: parts.map((r) => (r ? Math.round(r.left) : -1)) };
    });
    const oneRow = m.tops.every((y) => y > 0 && Math.abs(y - m.tops[0]) <= 2);
    const inOrder = m.rights.slice(0, -1).every((r, i) => r <= m.lefts[i + 1]);
    return [m.header < HEADER_MAX && oneRow && inOrder, `header ${Math.round(m.header)} px; centres ${m.tops.join(",")}; no overlap: ${inOrder}`];
  });
  await shot(page, "header-390");
  await attempt(scope, "the search field opens over the header row when tapped, and searches", async () => {
    const before = await page.locator("#site-search-q").boundingBox();
    await page.locator("#site-search-q").tap();
    const after = await page.locator("#site-search-q").boundingBox();
    await page.keyboard.type("backup");
    await shot(page, "header-390-search");
    await Promise.all([page.waitForURL(/\/-\/search\?q=backup/, { waitUntil: "load" }), page.keyboard.press("Enter")]);
    const results = await page.locator("ol.results > li").count();
    return [before.width < 60 && after.width > 300 && results > 0, `field ${Math.round(before.width)} → ${Math.round(after.width)} px wide; ${results} results`];
  });
  await closeChecked(scope, t);
}

// crumbs measures a page's breadcrumbs: whether each separator is drawn by
// CSS, and, for each crumb with one, whether it sits on the line where its
// crumb's text ends.
async function crumbs(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll(".breadcrumbs li")];
    const visible = items.filter((li) => li.getClientRects().length && li.getBoundingClientRect().width > 1);
    const lines = new Set();
    const out = { textSeparators: 0, separators: 0, glued: 0, lines: 0, texts: [] };
    for (const li of items) {
      const own = li.firstElementChild ? li.firstElementChild.textContent : "";
      if (li.textContent.trim() !== own.trim()) out.textSeparators++;
    }
    for (const li of visible) {
      for (const r of li.getClientRects()) lines.add(Math.round(r.top));
      out.texts.push(li.textContent.trim());
      if (getComputedStyle(li, "::after").content === "none") continue;
      out.separators++;
      const end = [...li.firstElementChild.getClientRects()].pop();
      const last = [...li.getClientRects()].pop();
      // The separator extends the crumb's last line box past its text.
      if (Math.abs(last.top - end.top) < 1 && last.right - end.right > 4) out.glued++;
    }
    out.lines = lines.size;
    return out;
  });
}

async function breadcrumbs(browser) {
  for (const width of [390, 1280]) {
    const scope = `breadcrumbs ${width}px`;
    const t = await contextFor(browser, width);
    await t.page.goto(at(paths.deep), { waitUntil: "load" });
    await attempt(scope, "separators are drawn by CSS, each on the line of the crumb before it", async () => {
      const c = await crumbs(t.page);
      const wraps = width > 390 || c.lines > 1; // at 390 px the trail must wrap, or this proves nothing
      return [c.textSeparators === 0 && c.separators > 0 && c.glued === c.separators && wraps,
        `${c.textSeparators} text separators; ${c.glued} of ${c.separators} separators glued to their crumb; ${c.lines} lines: ${c.texts.join(" | ")}`];
    });
    await shot(t.page, `breadcrumbs-${width}`);
    await closeChecked(scope, t);
  }
}

async function diff(browser) {
  for (const width of [390, 1280]) {
    const scope = `diff ${width}px`;
    const t = await contextFor(browser, width);
    await t.page.goto(at(paths.diff), { waitUntil: "load" });
    await attempt(scope, width <= 390 ? "unified: old and new line numbers in two columns under visible headings, old text above new" :
      "side by side: old text left, new text right", async () => {
      const m = await t.page.evaluate(() => {
        const left = (el) => Math.round(el.getBoundingClientRect().left);
        const shown = (el) => el && el.getClientRects().length > 0 && el.getBoundingClientRect().width > 1;
        const rows = [...document.querySelectorAll("table.diff-split tbody tr:not(.diff-skip)")];
        const oldCols = new Set(), newCols = new Set();
        let changes = 0, stacked = 0, sideBySide = 0;
        for (const tr of rows) {
          const [oldNum, oldCode, newNum, newCode] = tr.children;
          if (shown(oldNum) && oldNum.textContent.trim()) oldCols.add(left(oldNum));
          if (shown(newNum) && newNum.textContent.trim()) newCols.add(left(newNum));
          if (tr.classList.contains("diff-change")) {
            changes++;
            const o = oldCode.getBoundingClientRect(), n = newCode.getBoundingClientRect();
            if (o.bottom <= n.top + 1 && Math.abs(o.left - n.left) < 1) stacked++;
            if (n.left >= o.right - 1) sideBySide++;
          }
        }
        // Visually hidden headings keep boxes of their own inside a 1 px clip.
        const head = document.querySelector("table.diff-split thead");
        const heads = shown(head) ? [...head.querySelectorAll("th")].filter(shown) : [];
        return { rows: rows.length, oldCols: [...oldCols], newCols: [...newCols], changes, stacked, sideBySide,
          headsShown: heads.map((th) => [th.textContent.trim(), left(th)]) };
      });
      const detail = `${m.rows} rows; old numbers at x=${m.oldCols.join(",")}, new at x=${m.newCols.join(",")}; ` +
        `${m.changes} changed lines, ${m.stacked} stacked, ${m.sideBySide} side by side; headings shown: ${JSON.stringify(m.headsShown)}`;
      if (width > 390) return [m.changes > 0 && m.sideBySide === m.changes && m.headsShown.length === 0, detail];
      const heads = Object.fromEntries(m.headsShown);
      const ok = m.changes > 0 && m.stacked === m.changes && m.oldCols.length === 1 && m.newCols.length === 1 &&
        m.oldCols[0] < m.newCols[0] && heads["Old line"] === m.oldCols[0] && heads["New line"] === m.newCols[0];
      return [ok, detail];
    });
    await shot(t.page, `diff-${width}`);
    await closeChecked(scope, t);
  }
}

async function print(browser) {
  const scope = "print";
  const t = await contextFor(browser, 1280);
  await t.page.goto(at(paths.print), { waitUntil: "load" });
  await t.page.emulateMedia({ media: "print" });
  await attempt(scope, "the page's address heads the printout; a link whose text is its address is not repeated, others are", async () => {
    const m = await t.page.evaluate(() => {
      const after = (a) => getComputedStyle(a, "::after").content;
      const links = [...document.querySelectorAll(".prose a[href^='http']")];
      const own = links.filter((a) => a.classList.contains("url"));
      const named = links.filter((a) => !a.classList.contains("url") && !a.classList.contains("anchor"));
      return {
        address: getComputedStyle(document.querySelector("main"), "::before").content,
        own: own.length, ownRepeated: own.filter((a) => after(a) !== "none" && after(a) !== "normal").length,
        ownText: own.filter((a) => a.href.replace(/\/$/, "").endsWith(a.textContent.trim().replace(/\/$/, ""))).length,
        named: named.length, namedGiven: named.filter((a) => after(a).includes("attr(href)") || after(a).includes(a.getAttribute("href"))).length,
      };
    });
    const wantPath = new URL(paths.print, base).pathname;
    const ok = m.address.includes(wantPath) && m.own > 0 && m.ownRepeated === 0 && m.ownText === m.own && m.named > 0 && m.namedGiven === m.named;
    return [ok, `header ${m.address}; ${m.own} bare URLs, ${m.ownRepeated} repeated; ${m.namedGiven} of ${m.named} named links give their address`];
  });
  await t.page.screenshot({ path: path.join(shotDir, "small-print.png"), fullPage: true });
  await closeChecked(scope, t);
}

async function loginReturns(browser) {
  const scope = "login 1280px";
  const t = await contextFor(browser, 1280);
  const { page } = t;
  await page.goto(at(paths.page), { waitUntil: "load" });
  await attempt(scope, "the header's Log in link brings the maintainer back to the page", async () => {
    await Promise.all([page.waitForURL(/\/-\/login\?next=/, { waitUntil: "load" }), page.locator("a.site-login").click()]);
    await page.getByLabel("Name").fill(process.env.SMALL_USER || "");
    await page.getByLabel("Password").fill(process.env.SMALL_PASSWORD || "");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator("form.form button[type=submit]").click()]);
    const here = new URL(page.url());
    const user = await page.locator(".site-user").count();
    return [here.pathname === new URL(paths.page, base).pathname && user === 1, `${here.pathname}${here.search}; logged in: ${user === 1}`];
  });
  await closeChecked(scope, t);
}

// revising checks that page is the editor revising a proposal.
async function revising(page) {
  const token = await page.locator('form input[name="token"]').first().inputValue().catch(() => "");
  const eyebrow = ((await page.locator(".eyebrow").first().textContent().catch(() => "")) || "").trim();
  return { ok: token.length >= 16 && /^Revising proposal #\d+$/.test(eyebrow), eyebrow };
}

async function reviseLink(browser) {
  const scope = "revise link";
  const t = await contextFor(browser, 1280);
  const { page, context } = t;
  let link = "";
  await attempt(scope, "after proposing, the address bar and history show the proposal without its token", async () => {
    await page.goto(at("/-/edit" + paths.propose), { waitUntil: "load" });
    const text = page.locator("textarea[name=content]");
    await text.fill((await text.inputValue()).replace(/\n*$/, "\n\nA sentence added to check the revise link.\n"));
    await Promise.all([page.waitForURL(/\/-\/proposals\/\d+/, { waitUntil: "load" }), page.locator('button[name="action"][value="save"]').click()]);
    link = await page.locator("#revise-url").inputValue();
    const urls = await history(page);
    return [!page.url().includes("token") && urls.every((u) => !u.includes("token=")) && /token=/.test(link),
      `at ${page.url()}; history ${urls.map((u) => new URL(u).pathname + new URL(u).search).join(" → ")}; private link ${link ? "shown" : "missing"}`];
  });
  await attempt(scope, "the token is kept in an HttpOnly, SameSite=Lax session cookie of that proposal, under /-/", async () => {
    const c = (await context.cookies()).filter((k) => k.name.startsWith("gitwiki_proposal_"));
    return [c.length === 1 && c[0].httpOnly && c[0].sameSite === "Lax" && c[0].path === "/-/" && c[0].expires === -1,
      JSON.stringify(c.map((k) => ({ name: k.name, httpOnly: k.httpOnly, sameSite: k.sameSite, path: k.path, expires: k.expires })))];
  });
  await attempt(scope, "the Revise button opens the revision with a token-free address and history", async () => {
    await Promise.all([page.waitForURL(/\/-\/edit\//, { waitUntil: "load" }), page.locator(".proposal-actions a.button").first().click()]);
    const r = await revising(page);
    const urls = await history(page);
    return [r.ok && !page.url().includes("token") && urls.every((u) => !u.includes("token=")), `"${r.eyebrow}" at ${page.url()}`];
  });
  await closeChecked(scope, t);

  // The link pasted into a fresh browser, and clicked on another site.
  for (const how of ["typed", "clicked on another site"]) {
    const s = `revise link ${how}`;
    const f = await contextFor(browser, 1280);
    await attempt(s, "opens the revision, with a token-free address and history", async () => {
      if (how === "typed") {
        await f.page.goto(link, { waitUntil: "load" });
      } else {
        await f.context.route("http://elsewhere.test/**", (route) => route.fulfill({
          contentType: "text/html", body: `<!doctype html><title>mail</title><p><a id="go" href="${link.replace(/&/g, "&amp;")}">your link</a></p>`,
        }));
        await f.page.goto("http://elsewhere.test/inbox", { waitUntil: "load" });
        await Promise.all([f.page.waitForURL(/\/-\/edit\//, { waitUntil: "load" }), f.page.locator("#go").click()]);
      }
      const r = await revising(f.page);
      const urls = await history(f.page);
      return [r.ok && !f.page.url().includes("token") && urls.every((u) => !u.includes("token=")),
        `"${r.eyebrow}" at ${f.page.url()}; history ${urls.map((u) => new URL(u).host + new URL(u).pathname + new URL(u).search).join(" → ")}`];
    });
    await closeChecked(s, f);
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  await phoneHeader(browser);
  await breadcrumbs(browser);
  await diff(browser);
  await print(browser);
  await loginReturns(browser);
  await reviseLink(browser);
} finally {
  await browser.close();
}
finish(`small.mjs ${base}`);
