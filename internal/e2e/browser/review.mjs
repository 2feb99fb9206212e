// The contribute-and-review flow in a real browser, run by
// TestBrowserReviewFlow (internal/e2e):
//
//   REVIEW_MAINTAINER=alice REVIEW_MAINTAINER_PASSWORD=... \
//   REVIEW_MAINTAINER2=bob REVIEW_MAINTAINER2_PASSWORD=... \
//   node review.mjs BASE_URL SCREENSHOT_DIR
//
// Against a running gitwiki with the starter wiki (policy "review") and two
// maintainer accounts, it drives the system Chromium through playwright-core:
//
//  1. an anonymous contributor edits /Glossary: live preview, the Preview
//     button, a pseudonym and a summary, "Propose change";
//  2. the proposal page shows the diff, the author and the proposed version,
//     and the private link to revise it works;
//  3. a maintainer logs in, opens the proposal from /-/proposals and merges it;
//  4. the page shows the change, to the anonymous reader too;
//  5. two maintainer sessions change the same line of /Guides/Backups from the
//     same base: the first publishes, the second gets the editor back (409)
//     with both versions between conflict markers and "Your text"; saving
//     the markers unchanged is refused (409); resolving publishes both.
//
// The editor is also checked at phone width and without JavaScript. Every
// context fails on console errors, uncaught errors, failed same-origin
// requests and requests to other hosts. One PASS/FAIL line per check; a
// failed step ends the flow (the later steps depend on it). Lines starting
// with RESULT tell the Go test what to verify with git. Exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, check, finish, outcome } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [baseArg, shotArg] = process.argv.slice(2);
if (!baseArg || !shotArg) {
  console.error("usage: node review.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const base = new URL(baseArg);
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const MAINTAINER = process.env.REVIEW_MAINTAINER || "alice";
const MAINTAINER_PW = process.env.REVIEW_MAINTAINER_PASSWORD;
const MAINTAINER2 = process.env.REVIEW_MAINTAINER2 || "bob";
const MAINTAINER2_PW = process.env.REVIEW_MAINTAINER2_PASSWORD;
if (!MAINTAINER_PW || !MAINTAINER2_PW) {
  console.error("review.mjs: set REVIEW_MAINTAINER_PASSWORD and REVIEW_MAINTAINER2_PASSWORD");
  process.exit(2);
}

const PHONE = 390;
const DESKTOP = 1280;
const PAGE = "/Glossary";
const CONFLICT_PAGE = "/Guides/Backups";

// Unique text for this run, so nothing can match text already on the wiki.
const tag = Math.random().toString(36).slice(2, 8);
const PSEUDONYM = "Quiet Otter";
const PROPOSED_MD = `Review check ${tag}: agree on **shared terms** before the session starts.`;
const PROPOSED_TEXT = `Review check ${tag}: agree on shared terms before the session starts.`;
const FIRST = `First maintainer ${tag} restores a backup every month.`;
const SECOND = `Second maintainer ${tag} keeps one copy offline.`;


// A failed step ends the flow: the steps after it build on it.
class StepFailed extends Error {}

// step runs one check; fn returns true, false or [ok, detail], and an
// exception (a timeout, a missing element) is a FAIL. A FAIL throws
// StepFailed unless soft is set.
async function step(t, name, fn, soft = false) {
  const [ok, detail] = await outcome(fn);
  check(t.scope, name, ok, detail);
  if (!ok && !soft) throw new StepFailed(`${t.scope}: ${name}`);
  return ok;
}

const contexts = [];

async function newPage(browser, scope, opts) {
  const context = await browser.newContext({
    viewport: { width: opts.width, height: opts.width <= PHONE ? 844 : 900 },
    deviceScaleFactor: 1,
    colorScheme: "light",
    reducedMotion: "reduce",
    javaScriptEnabled: opts.js !== false,
    serviceWorkers: "block",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const t = { context, page, scope, name: opts.name, problems: { console: [], pageerror: [], offsite: [], failed: [], dialog: [] }, allowStatus: new Map() };
  const { problems } = t;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Chromium logs every 4xx answer, a page's own included. A 409 that the
    // design asks for (the editor shown again after a conflict) is expected
    // once per allowStatus entry; any other is a problem.
    const st = m.text().match(/^Failed to load resource: the server responded with a status of (\d+)/);
    const where = m.location() && m.location().url ? new URL(m.location().url) : null;
    const key = st && where && where.host === base.host ? `${st[1]} ${where.pathname}` : "";
    if (key && t.allowStatus.get(key) > 0) {
      t.allowStatus.set(key, t.allowStatus.get(key) - 1);
      return;
    }
    problems.console.push(`${m.text()} @ ${page.url()}`);
  });
  page.on("pageerror", (e) => problems.pageerror.push(`${e} @ ${page.url()}`));
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
    if (u.host === base.host) problems.failed.push(`${r.url()} ${r.failure() ? r.failure().errorText : ""}`);
  });
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.host === base.host && r.status() >= 400 && r.request().resourceType() !== "document") {
      problems.failed.push(`${r.status()} ${r.url()}`);
    }
  });
  // No dialog is expected: the flow never leaves an editor with unsaved text
  // except by saving it. One that appears is recorded and accepted.
  page.on("dialog", (d) => {
    problems.dialog.push(`${d.type()} "${d.message()}" @ ${page.url()}`);
    d.accept().catch(() => {});
  });
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    return u.host === base.host ? route.continue() : route.abort("blockedbyclient");
  });
  contexts.push(t);
  return t;
}

function checkProblems(t) {
  if (t.checked) return;
  t.checked = true;
  const { scope, problems } = t;
  for (const k of Object.keys(problems)) problems[k] = [...new Set(problems[k])];
  check(scope, "no console errors", problems.console.length === 0, problems.console.slice(0, 5).join(" | "));
  check(scope, "no uncaught page errors", problems.pageerror.length === 0, problems.pageerror.slice(0, 5).join(" | "));
  check(scope, "no request to another host", problems.offsite.length === 0, problems.offsite.slice(0, 5).join(" "));
  check(scope, "every same-origin request succeeded", problems.failed.length === 0, problems.failed.slice(0, 5).join(" | "));
  check(scope, "no unexpected dialog", problems.dialog.length === 0, problems.dialog.slice(0, 5).join(" | "));
}

async function screenshot(t, name, fullPage = true) {
  const file = path.join(shotDir, `${name}.png`);
  await t.page.screenshot({ path: file, fullPage });
  console.log(`SHOT [${t.scope}] ${file}`);
}

const url = (p) => new URL(p, base).href;
const pathOf = (page) => decodeURIComponent(new URL(page.url()).pathname);

async function open(t, pathname, want = 200) {
  await step(t, `GET ${pathname} is ${want}`, async () => {
    const resp = await t.page.goto(url(pathname), { waitUntil: "load" });
    return [!!resp && resp.status() === want, resp ? String(resp.status()) : "no response"];
  });
}

// submit clicks a submit button and waits for the answer to the POST and for
// the page it leads to; it returns the POST's status (303 for a redirect).
async function submit(t, button, postPath) {
  const { page } = t;
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === postPath),
    page.waitForNavigation({ waitUntil: "load" }),
    button.click(),
  ]);
  return resp.status();
}

// previewShows waits until the live preview shows text and no update is
// under way. Saving while a preview request is in flight would cancel it,
// which the checks count as a failed request.
async function previewShows(t, text) {
  await t.page.locator(".edit-preview .preview-frame").filter({ hasText: text }).waitFor({ state: "attached" });
  await t.page.waitForFunction(() => !document.querySelector(".edit-preview.is-updating"));
}

// text of <main>, with white space collapsed.
async function mainText(page) {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ");
}

async function login(t, name, password) {
  const { page } = t;
  await open(t, "/-/login");
  await step(t, `${name} logs in`, async () => {
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Password").fill(password);
    const status = await submit(t, page.getByRole("button", { name: "Log in" }), "/-/login");
    const who = (await page.locator(".site-user").innerText()).replace(/\s+/g, " ").trim();
    return [status === 303 && pathOf(page) === "/" && who === `Maintainer ${name}`,
      `POST /-/login ${status} → ${pathOf(page)}, header says "${who}"`];
  });
}

// The background a reader sees behind an element: the first one, going up,
// that is not transparent.
async function backgroundOf(locator) {
  return locator.evaluate((el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== "transparent" && !/rgba\(\d+, \d+, \d+, 0\)/.test(c)) return c;
    }
    return "none";
  });
}

// ---- 1 and 2: an anonymous contributor proposes a change ----
async function contribute(browser) {
  const t = await newPage(browser, `anonymous ${DESKTOP}`, { width: DESKTOP, name: "review-anon" });
  const { page } = t;
  await open(t, PAGE);
  await step(t, "\"Edit this page\" opens the editor", async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.getByRole("link", { name: "Edit this page" }).click()]);
    const lead = await page.locator(".view-lead").innerText();
    const save = await page.locator('button[name="action"][value="save"]').innerText();
    return [pathOf(page) === `/-/edit${PAGE}` && /maintainer will review/i.test(lead) && save.trim() === "Propose change",
      `${pathOf(page)}; lead "${lead.trim()}"; save button "${save.trim()}"`];
  });

  const textarea = page.locator("#edit-content");
  const original = await textarea.inputValue();
  const edited = original.replace(/\n*$/, "\n\n") + PROPOSED_MD + "\n";
  await step(t, "typing in the text updates the live preview (POST /-/preview)", async () => {
    if (!(await page.locator(".edit-preview").isVisible())) return [false, "the live preview pane is not shown at 1280px"];
    const preview = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/-/preview" &&
      (r.request().postData() || "").includes(encodeURIComponent(tag)));
    await textarea.focus();
    await page.keyboard.press("Control+End");
    // The starter page ends with a newline: one more makes a new paragraph.
    await page.keyboard.type((original.endsWith("\n") ? "\n" : "\n\n") + PROPOSED_MD + "\n");
    const resp = await preview;
    const strong = page.locator(".edit-preview .preview-frame p", { hasText: PROPOSED_TEXT }).locator("strong", { hasText: "shared terms" });
    await strong.waitFor({ state: "attached" });
    await strong.scrollIntoViewIfNeeded();
    const value = await textarea.inputValue();
    return [resp.status() === 200 && value === edited, `preview ${resp.status()}; textarea ${value === edited ? "holds" : "does not hold"} the edit`];
  });
  await screenshot(t, `review-editor-${DESKTOP}`);

  await step(t, "the Preview button shows the server's preview and keeps the text", async () => {
    const status = await submit(t, page.locator('button[name="action"][value="preview"]'), `/-/edit${PAGE}`);
    const section = page.locator("section.edit-preview .preview-frame");
    const shown = await section.locator("p", { hasText: PROPOSED_TEXT }).count();
    const value = await textarea.inputValue();
    return [status === 200 && shown === 1 && value === edited,
      `POST ${status}; sentence in the preview ${shown}×; textarea ${value === edited ? "kept" : "lost"} the edit`];
  });

  let proposal = 0;
  await previewShows(t, PROPOSED_TEXT);
  await step(t, "\"Propose change\" opens a proposal with a success message and a private link", async () => {
    await page.getByLabel("Name", { exact: true }).fill(PSEUDONYM);
    await page.getByLabel("What did you change?").fill("Add a sentence on shared terms");
    const status = await submit(t, page.getByRole("button", { name: "Propose change" }), `/-/edit${PAGE}`);
    const m = pathOf(page).match(/^\/-\/proposals\/(\d+)$/);
    if (!m) return [false, `POST ${status} → ${page.url()}`];
    proposal = Number(m[1]);
    const success = (await page.locator(".callout-success").innerText()).replace(/\s+/g, " ");
    const link = await page.locator("#revise-url").inputValue();
    const want = new RegExp(`^${base.origin.replace(/[.]/g, "\\.")}/-/edit${PAGE}\\?proposal=${proposal}&token=[A-Za-z0-9_-]{16,}$`);
    return [status === 303 && /sent for review/.test(success) && want.test(link),
      `POST ${status} → /-/proposals/${proposal}; revise link ${link.replace(/token=.*/, "token=…")}`];
  });
  console.log(`RESULT proposal=${proposal}`);
  console.log(`RESULT proposed=${PROPOSED_MD}`);
  await screenshot(t, `review-proposal-opened-${DESKTOP}`);

  // ---- 2 ----
  await step(t, "the proposal is open, by the pseudonym, marked as not verified, on the page", async () => {
    const badge = (await page.locator(".proposal-badges .badge").first().innerText()).trim();
    const lead = (await page.locator(".view-lead").innerText()).replace(/\s+/g, " ");
    return [badge === "Open" && lead.startsWith(`${PSEUDONYM} (not verified) proposed a change to Glossary`), `badge "${badge}"; "${lead.trim()}"`];
  });
  await step(t, "the diff shows the new sentence as inserted, highlighted", async () => {
    const cell = page.locator(".proposal-changes table.diff tr.diff-add td.code-new, .proposal-changes table.diff tr.diff-change td.code-new ins")
      .filter({ hasText: PROPOSED_MD });
    if ((await cell.count()) !== 1) return [false, `${await cell.count()} inserted cells hold the sentence`];
    const removed = await page.locator(".proposal-changes table.diff td.code-old").filter({ hasText: tag }).count();
    const added = await backgroundOf(cell);
    const equal = await backgroundOf(page.locator(".proposal-changes table.diff tr.diff-equal td.code-new").first());
    return [added !== equal && added !== "none" && removed === 0, `inserted on ${added}, unchanged lines on ${equal}; old side holds it ${removed}×`];
  });
  await step(t, "the proposed version is shown rendered behind a closed disclosure", async () => {
    const details = page.locator("details.proposed-version");
    const closed = !(await details.evaluate((d) => d.open));
    await details.locator("summary").click();
    const p = page.locator("details.proposed-version[open] .prose p", { hasText: PROPOSED_TEXT });
    const strong = await p.locator("strong", { hasText: "shared terms" }).count();
    return [closed && (await p.count()) === 1 && strong === 1,
      `${closed ? "closed" : "open"} at first; ${await p.count()} paragraph(s), ${strong} <strong>`];
  });
  await step(t, "an anonymous reader gets no merge or reject buttons", async () => {
    const n = await page.locator(".review-decide, form[action$='/merge'], form[action$='/reject']").count();
    return [n === 0, `${n} found`];
  });
  const revise = await page.locator("#revise-url").inputValue();
  await step(t, "the private link opens the editor on the proposal", async () => {
    await page.goto(revise, { waitUntil: "load" });
    const eyebrow = (await page.locator(".eyebrow").first().textContent()).trim(); // innerText is upper-cased by CSS
    const value = await page.locator("#edit-content").inputValue();
    const button = (await page.locator('button[name="action"][value="save"]').innerText()).trim();
    return [eyebrow === `Revising proposal #${proposal}` && value.includes(PROPOSED_MD) && button === "Update proposal",
      `"${eyebrow}", save button "${button}", text ${value.includes(PROPOSED_MD) ? "has" : "lacks"} the sentence`];
  });
  return { t, proposal };
}

// The editor at phone width: the one preview is below the text box.
async function phoneEditor(browser) {
  const t = await newPage(browser, `anonymous ${PHONE}`, { width: PHONE, name: "review-phone" });
  const { page } = t;
  await open(t, `/-/edit${PAGE}`);
  const sentence = `Phone check ${tag}.`;
  await page.locator("#edit-content").focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n" + sentence + "\n");
  await screenshot(t, `review-editor-${PHONE}`);
  await step(t, "the preview below the text box shows the text rendered", async () => {
    await page.locator(".edit-preview").scrollIntoViewIfNeeded();
    await page.locator(".edit-preview .preview-frame p", { hasText: sentence }).waitFor();
    const [text, pane] = await Promise.all([page.locator("#edit-content").boundingBox(), page.locator(".edit-preview").boundingBox()]);
    return [pane.y >= text.y + text.height, `text box ends at ${Math.round(text.y + text.height)}, preview starts at ${Math.round(pane.y)}`];
  });
  await page.waitForFunction(() => !document.querySelector(".edit-preview.is-updating"));
  await screenshot(t, `review-editor-${PHONE}-preview`);
  await step(t, `no horizontal scrolling at ${PHONE}px`, async () => {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    return [sw <= PHONE, `scrollWidth ${sw}`];
  }, true);
  checkProblems(t);
  await t.context.close();
}

// The editor without JavaScript: the Preview button goes through the server.
async function noJsEditor(browser) {
  const t = await newPage(browser, `anonymous ${DESKTOP} no-js`, { width: DESKTOP, js: false, name: "review-nojs" });
  const { page } = t;
  await open(t, `/-/edit${PAGE}`);
  const sentence = `No-JS check ${tag}.`;
  await step(t, "without JavaScript, the Preview button renders the text", async () => {
    const live = await page.locator(".edit-preview").isVisible();
    const textarea = page.locator("#edit-content");
    const edited = (await textarea.inputValue()) + "\n" + sentence + "\n";
    await textarea.fill(edited);
    const status = await submit(t, page.locator('button[name="action"][value="preview"]'), `/-/edit${PAGE}`);
    const shown = await page.locator("section.edit-preview .preview-frame p", { hasText: sentence }).count();
    const kept = (await textarea.inputValue()) === edited;
    return [!live && status === 200 && shown === 1 && kept,
      `live pane ${live ? "shown" : "hidden"}; POST ${status}; sentence in the preview ${shown}×; text ${kept ? "kept" : "lost"}`];
  });
  await screenshot(t, `review-editor-${DESKTOP}-nojs-preview`);
  checkProblems(t);
  await t.context.close();
}

// ---- 3 and 4: a maintainer merges ----
async function review(browser, proposal, anon) {
  const t = await newPage(browser, `maintainer ${MAINTAINER} ${DESKTOP}`, { width: DESKTOP, name: "review-maintainer" });
  const { page } = t;
  await login(t, MAINTAINER, MAINTAINER_PW);
  await step(t, "/-/proposals lists the proposal as open", async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }),
      page.locator("footer").getByRole("link", { name: "Proposals", exact: true }).click()]);
    const row = page.locator("#open .proposal-row").filter({ has: page.locator(`a.proposal-title[href="/-/proposals/${proposal}"]`) });
    const meta = (await row.locator(".proposal-row-meta").innerText()).replace(/\s+/g, " ");
    return [pathOf(page) === "/-/proposals" && meta.includes(`by ${PSEUDONYM}`) && meta.includes("Glossary"), `"${meta.trim()}"`];
  });
  await step(t, "the maintainer opens the proposal and sees its diff", async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }),
      page.locator(`#open a.proposal-title[href="/-/proposals/${proposal}"]`).click()]);
    const diff = page.locator(".proposal-changes table.diff");
    await diff.locator("td.code-new", { hasText: PROPOSED_MD }).scrollIntoViewIfNeeded();
    const visible = await diff.locator("td.code-new", { hasText: PROPOSED_MD }).isVisible();
    const revise = await page.locator("#revise-url, .proposal-actions a[href*='token=']").count();
    return [pathOf(page) === `/-/proposals/${proposal}` && visible && revise === 0,
      `${pathOf(page)}; inserted line ${visible ? "visible" : "not visible"}; ${revise} revise links shown to the maintainer`];
  });
  await screenshot(t, `review-proposal-diff-${DESKTOP}`);
  await step(t, "Merge publishes the proposal", async () => {
    const merge = page.locator("form.decide-merge").getByRole("button", { name: "Merge" });
    const status = await submit(t, merge, `/-/proposals/${proposal}/merge`);
    const badge = (await page.locator(".proposal-badges .badge").first().innerText()).trim();
    const note = (await page.locator(".callout-success").innerText()).replace(/\s+/g, " ").trim();
    const decide = await page.locator(".review-decide").count();
    return [status === 303 && pathOf(page) === `/-/proposals/${proposal}` && badge === "Merged" && note.startsWith(`Merged by ${MAINTAINER}`) && decide === 0,
      `POST ${status} → ${pathOf(page)}; badge "${badge}"; "${note}"`];
  });
  await screenshot(t, `review-merged-${DESKTOP}`);

  // ---- 4 ----
  await step(t, "\"Read the page\" shows the merged change", async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.getByRole("link", { name: "Read the page" }).click()]);
    const text = await mainText(page);
    return [pathOf(page) === PAGE && text.includes(PROPOSED_TEXT), `${pathOf(page)}`];
  });
  const a = anon.page;
  await step(anon, "the anonymous reader sees the merged change on the page", async () => {
    const resp = await a.goto(url(PAGE), { waitUntil: "load" });
    const p = a.locator("main p", { hasText: PROPOSED_TEXT });
    await p.scrollIntoViewIfNeeded();
    return [resp.status() === 200 && (await p.count()) === 1, `${resp.status()}, ${await p.count()} paragraph(s)`];
  });
  await screenshot(anon, `review-merged-page-${DESKTOP}`, false);
  await step(anon, "the anonymous reader sees the proposal as merged", async () => {
    await a.goto(url("/-/proposals"), { waitUntil: "load" });
    const merged = await a.locator(`#merged a.proposal-title[href="/-/proposals/${proposal}"]`).count();
    const open = await a.locator(`#open a.proposal-title[href="/-/proposals/${proposal}"]`).count();
    return [merged === 1 && open === 0, `listed under Merged ${merged}×, under Open ${open}×`];
  });
  return t;
}

// ---- 5: two maintainers change the same line ----
async function conflict(browser, alice) {
  const bob = await newPage(browser, `maintainer ${MAINTAINER2} ${DESKTOP}`, { width: DESKTOP, name: "review-maintainer2" });
  await login(bob, MAINTAINER2, MAINTAINER2_PW);
  const edit = `/-/edit${CONFLICT_PAGE}`;
  for (const t of [alice, bob]) {
    await open(t, edit);
    await step(t, "a maintainer's editor publishes directly", async () => {
      const save = (await t.page.locator('button[name="action"][value="save"]').innerText()).trim();
      const propose = await t.page.locator("#edit-propose").isChecked();
      return [save === "Publish" && !propose, `save button "${save}", propose ${propose ? "checked" : "unchecked"}`];
    });
  }
  const baseA = await alice.page.locator('input[name="base"]').inputValue();
  const baseB = await bob.page.locator('input[name="base"]').inputValue();
  const original = await alice.page.locator("#edit-content").inputValue();
  // The line both change: the first line of text after the front matter.
  const lines = original.split("\n");
  let start = 0;
  if (lines[0] === "---") start = lines.indexOf("---", 1) + 1;
  const at = lines.findIndex((l, i) => i >= start && l.trim() !== "" && !l.startsWith("#"));
  const line = lines[at];
  const withLine = (text) => lines.map((l, i) => (i === at ? `${l} ${text}` : l)).join("\n");
  check(bob.scope, "both editors start from the same base", baseA === baseB && /^[0-9a-f]{40}$/.test(baseA) && at >= 0, `${baseA.slice(0, 12)} / ${baseB.slice(0, 12)}; line ${at + 1}`);

  await alice.page.locator("#edit-content").fill(withLine(FIRST));
  await bob.page.locator("#edit-content").fill(withLine(SECOND));
  await alice.page.getByLabel("What did you change?").fill("Say how often backups are restored");
  await bob.page.getByLabel("What did you change?").fill("Say where one copy is kept");
  await previewShows(alice, FIRST);
  await previewShows(bob, SECOND);

  await step(alice, "the first maintainer publishes", async () => {
    const status = await submit(alice, alice.page.getByRole("button", { name: "Publish" }), edit);
    const text = await mainText(alice.page);
    return [status === 303 && pathOf(alice.page) === CONFLICT_PAGE && text.includes(FIRST), `POST ${status} → ${pathOf(alice.page)}`];
  });

  const { page } = bob;
  const textarea = page.locator("#edit-content");
  await step(bob, "the second maintainer's save is a conflict (409) and shows the editor again", async () => {
    bob.allowStatus.set(`409 ${edit}`, 1);
    const status = await submit(bob, page.getByRole("button", { name: "Publish" }), edit);
    const alert = (await page.locator(".callout-warning[role=alert]").innerText()).replace(/\s+/g, " ");
    return [status === 409 && pathOf(page) === edit && alert.includes("Someone else changed the same lines") && alert.includes("nothing is lost"),
      `POST ${status} → ${pathOf(page)}; "${alert.slice(0, 90)}…"`];
  });
  const merged = await textarea.inputValue();
  const block = merged.match(/^<<<<<<< your edit\n([\s\S]*?)(?:^\|\|\|\|\|\|\| [^\n]*\n[\s\S]*?)?^=======\n([\s\S]*?)^>>>>>>> the current version\n/m);
  await step(bob, "the text box holds both versions between conflict markers", async () => {
    if (!block) return [false, `no <<<<<<< your edit … ======= … >>>>>>> the current version block in:\n${merged.slice(0, 400)}`];
    const [, mine, theirs] = block;
    return [mine.includes(SECOND) && !mine.includes(FIRST) && theirs.includes(FIRST) && !theirs.includes(SECOND),
      `yours: "${mine.trim().slice(-60)}", current: "${theirs.trim().slice(-60)}"`];
  });
  await step(bob, "the explanation shows every kind of marker line the text box holds", async () => {
    const shown = await page.locator(".callout-warning[role=alert] pre.conflict-markers").textContent();
    const kinds = ["<<<<<<<", "|||||||", "=======", ">>>>>>>"].filter((k) => merged.split("\n").some((l) => l.startsWith(k)));
    const missing = kinds.filter((k) => !shown.includes(k));
    return [kinds.length >= 3 && missing.length === 0, `text box has ${kinds.join(" ")}; not explained: ${missing.join(" ") || "none"}`];
  }, true);
  await step(bob, "the editor now starts from the first maintainer's commit", async () => {
    const now = await page.locator('input[name="base"]').inputValue();
    return [/^[0-9a-f]{40}$/.test(now) && now !== baseB, `${baseB.slice(0, 12)} → ${now.slice(0, 12)}`];
  });
  await step(bob, "\"Your text\" shows the edit as written", async () => {
    await page.locator("details summary", { hasText: "Your text" }).click();
    const mine = page.getByLabel("Your text, as you wrote it");
    await mine.waitFor({ state: "visible" });
    const value = await mine.inputValue();
    const readonly = await mine.evaluate((el) => el.readOnly);
    return [value.trimEnd() === withLine(SECOND).trimEnd() && readonly, `${value.length} characters, ${readonly ? "read-only" : "editable"}`];
  });
  await step(bob, "\"Your text\" fits inside its box", async () => {
    const r = await page.getByLabel("Your text, as you wrote it").evaluate((el) => {
      const box = el.closest("details").getBoundingClientRect();
      const b = el.getBoundingClientRect();
      return { left: Math.round(b.left - box.left), right: Math.round(box.right - b.right) };
    });
    return [r.left >= 0 && r.right >= 0, `${r.left}px from the left edge, ${r.right}px from the right edge`];
  }, true);
  await page.locator(".callout-warning[role=alert]").scrollIntoViewIfNeeded();
  await screenshot(bob, `review-conflict-${DESKTOP}`);
  await screenshot(bob, `review-conflict-${DESKTOP}-viewport`, false);

  await step(bob, "while the markers are in, the live preview asks to resolve them instead of rendering them", async () => {
    const notice = page.locator(".edit-preview .preview-frame .edit-live-notice", { hasText: "Resolve the conflict markers" });
    await notice.waitFor();
    const headings = await page.locator(".edit-preview .preview-frame h1, .edit-preview .preview-frame h2").count();
    return [(await notice.isVisible()) && headings === 0, `notice shown; ${headings} rendered heading(s) in the pane`];
  });
  await step(bob, "saving again with the markers still in is refused (409), the text kept", async () => {
    bob.allowStatus.set(`409 ${edit}`, 1);
    const status = await submit(bob, page.getByRole("button", { name: "Publish" }), edit);
    const problem = (await page.locator("#form-problem").innerText()).replace(/\s+/g, " ");
    const kept = (await textarea.inputValue()) === merged;
    return [status === 409 && pathOf(page) === edit && problem.includes("conflict markers") && kept,
      `POST ${status} → ${pathOf(page)}; "${problem.slice(0, 80)}…"; text ${kept ? "kept" : "changed"}`];
  });
  await step(bob, "resolving (both sentences, no markers) publishes", async () => {
    const resolved = merged.replace(block[0], `${line} ${FIRST} ${SECOND}\n`);
    await textarea.fill(resolved);
    await previewShows(bob, `${FIRST} ${SECOND}`);
    const status = await submit(bob, page.getByRole("button", { name: "Publish" }), edit);
    const text = await mainText(page);
    return [status === 303 && pathOf(page) === CONFLICT_PAGE && text.includes(FIRST) && text.includes(SECOND) && !text.includes("<<<<<<<"),
      `POST ${status} → ${pathOf(page)}; page has first ${text.includes(FIRST)}, second ${text.includes(SECOND)}`];
  });
  await page.locator("main p", { hasText: SECOND }).scrollIntoViewIfNeeded();
  await screenshot(bob, `review-resolved-${DESKTOP}`, false);
  await step(alice, "the first maintainer sees both sentences", async () => {
    await alice.page.reload({ waitUntil: "load" });
    const text = await mainText(alice.page);
    return [text.includes(FIRST) && text.includes(SECOND), ""];
  });
  console.log(`RESULT first=${FIRST}`);
  console.log(`RESULT second=${SECOND}`);
  console.log(`RESULT conflictPage=${CONFLICT_PAGE}`);
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} against ${base.href}; screenshots in ${shotDir}; run ${tag}`);
  try {
    const { t: anon, proposal } = await contribute(browser);
    await phoneEditor(browser);
    await noJsEditor(browser);
    const alice = await review(browser, proposal, anon);
    await conflict(browser, alice);
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
    console.log(`STOP after a failed step: ${e.message}`);
  } finally {
    for (const t of contexts) checkProblems(t);
    await browser.close();
  }
  finish("review flow checks");
}

main().catch((e) => {
  console.error("review.mjs crashed:", e);
  process.exit(1);
});
