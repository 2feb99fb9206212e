// Credit for merged proposals and proposals in sight, in a real browser, run
// by TestBrowserProposals (internal/e2e), issue 12 items 1 and 2:
//
//   PROPOSALS_MAINTAINER=alice PROPOSALS_MAINTAINER_PASSWORD=... \
//   node proposals.mjs BASE_URL SCREENSHOT_DIR
//
// Against a running gitwiki with the starter wiki (policy "review") and one
// maintainer account, it drives the system Chromium through playwright-core:
//
//  1. Ana, anonymous, proposes a change to three lines of /Guides/Secure-messaging;
//  2. Ben, anonymous in a context of his own, is told on the page and in the
//     editor that Ana's proposal is open, follows the link to it, and
//     proposes other text for the same three lines; each proposal page then
//     names the other as changing the same lines differently;
//  3. the maintainer logs in, sees "2 proposals waiting" in the header,
//     follows it and merges Ben's proposal;
//  4. Ana's proposal page says, to an anonymous reader and before anyone
//     tries to merge it, that it no longer merges cleanly;
//  5. the maintainer, with JavaScript off, answers the conflict block by
//     block (keep both, own text, keep the current text) and presses
//     "Resolve and merge"; the page shows the resolved text;
//  6. the page says it was changed by Ana Example, reviewed by the
//     maintainer, and its history lists Ana's own commit after the merge.
//
// Every context fails on console errors, uncaught errors, failed same-origin
// requests and requests to other hosts. One PASS/FAIL line per check; a
// failed step ends the flow (the later steps depend on it). Lines starting
// with RESULT tell the Go test what to verify with git. Exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, check, finish, outcome } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [baseArg, shotArg] = process.argv.slice(2);
if (!baseArg || !shotArg) {
  console.error("usage: node proposals.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const base = new URL(baseArg);
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const MAINTAINER = process.env.PROPOSALS_MAINTAINER || "alice";
const MAINTAINER_PW = process.env.PROPOSALS_MAINTAINER_PASSWORD;
if (!MAINTAINER_PW) {
  console.error("proposals.mjs: set PROPOSALS_MAINTAINER_PASSWORD");
  process.exit(2);
}

const WIDTH = 1280;
const PAGE = "/Guides/Secure-messaging";
const PAGE_TITLE = "Secure messaging";

// Unique text for this run, so nothing can match text already on the wiki.
const tag = Math.random().toString(36).slice(2, 8);
const ANA = "Ana Example";
const BEN = "Ben Example";
const SUMMARY_A = `Say who checks the apps (${tag})`;
const SUMMARY_B = `Say how the team checks (${tag})`;
// The starter page's lines both contributors change, far enough apart that
// each is a conflicting block of its own.
const TARGETS = ["*Last checked:", "way not to stand out.", "on end-to-end encrypted backup."];
const ANA_SAYS = [`Ana ${tag} checked the apps again.`, `Ana ${tag} asks each member.`, `Ana ${tag} turns backups off.`];
const BEN_SAYS = [`Ben ${tag} reviewed the list.`, `Ben ${tag} asks the team lead.`, `Ben ${tag} checks backups monthly.`];
// The maintainer's own text for the second block.
const OWN = `way not to stand out. Ask the team, and each member, what works where they are (resolved ${tag}).`;
// The choices, block by block, as the form labels them.
const KEEP_BOTH = "Keep both, the proposed text first";
const KEEP_EDIT = "Use the text below";
const KEEP_MAIN = "Keep the current text";

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

async function newPage(browser, scope, js = true) {
  const context = await browser.newContext({
    viewport: { width: WIDTH, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: "light",
    reducedMotion: "reduce",
    javaScriptEnabled: js,
    serviceWorkers: "block",
  });
  const page = await context.newPage();
  // A hang guard only: every wait is for an element or a navigation.
  page.setDefaultTimeout(30000);
  page.setDefaultNavigationTimeout(60000);
  const t = { context, page, scope, problems: { console: [], pageerror: [], offsite: [], failed: [], dialog: [] } };
  const { problems } = t;
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(`${m.text()} @ ${page.url()}`); });
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
    if (u.host === base.host) problems.failed.push(`${r.url()} ${error}`);
  });
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.host === base.host && r.status() >= 400) problems.failed.push(`${r.status()} ${r.url()}`);
  });
  // No dialog is expected: no editor is left with unsaved text.
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
const squash = (s) => s.replace(/\s+/g, " ").trim();
const text = async (locator) => squash(await locator.innerText());

async function open(t, pathname) {
  await step(t, `GET ${pathname} is 200`, async () => {
    const resp = await t.page.goto(url(pathname), { waitUntil: "load" });
    return [!!resp && resp.status() === 200, resp ? String(resp.status()) : "no response"];
  });
}

// follow clicks a link and waits for the page it leads to.
async function follow(t, link) {
  await Promise.all([t.page.waitForNavigation({ waitUntil: "load" }), link.click()]);
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
async function previewShows(t, shown) {
  await t.page.locator(".edit-preview .preview-frame").filter({ hasText: shown }).waitFor({ state: "attached" });
  await t.page.waitForFunction(() => !document.querySelector(".edit-preview.is-updating"));
}

async function login(t) {
  const { page } = t;
  await open(t, "/-/login");
  await step(t, `${MAINTAINER} logs in`, async () => {
    await page.getByLabel("Name").fill(MAINTAINER);
    await page.getByLabel("Password").fill(MAINTAINER_PW);
    const status = await submit(t, page.getByRole("button", { name: "Log in" }), "/-/login");
    const who = await text(page.locator(".site-user"));
    return [status === 303 && who === `Maintainer ${MAINTAINER}`, `POST /-/login ${status} → ${pathOf(page)}, header says "${who}"`];
  });
}

// waiting checks the header's count of open proposals.
async function waiting(t, n) {
  const want = n === 1 ? "1 proposal waiting for review" : `${n} proposals waiting for review`;
  await step(t, `the header says "${want}", linking to the proposals`, async () => {
    const link = t.page.locator("a.site-waiting");
    if ((await link.count()) !== 1) return [false, `${await link.count()} .site-waiting links`];
    const shown = squash(await link.locator("span[aria-hidden=true]").textContent());
    const spoken = squash(await link.textContent());
    const href = await link.getAttribute("href");
    return [shown === String(n) && spoken.includes(want) && href === "/-/proposals", `shows "${shown}", says "${spoken}", links to ${href}`];
  });
}

// The three lines of the page, with one sentence added to each.
function withSentences(lines, at, says) {
  const out = [...lines];
  at.forEach((i, k) => { out[i] = `${lines[i]} ${says[k]}`; });
  return out.join("\n");
}

// propose edits the page in the editor that is open, and sends the edit for
// review under a pseudonym; it returns the new proposal's number.
async function propose(t, lines, at, says, name, summary) {
  const { page } = t;
  let id = 0;
  await page.locator("#edit-content").fill(withSentences(lines, at, says));
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("What did you change?").fill(summary);
  await previewShows(t, says[says.length - 1]);
  await step(t, `${name} proposes the change`, async () => {
    const status = await submit(t, page.getByRole("button", { name: "Propose change" }), `/-/edit${PAGE}`);
    const m = pathOf(page).match(/^\/-\/proposals\/(\d+)$/);
    if (!m) return [false, `POST ${status} → ${page.url()}`];
    id = Number(m[1]);
    const lead = await text(page.locator(".view-lead"));
    return [status === 303 && lead.startsWith(`${name} (not verified) proposed a change to ${PAGE_TITLE}`), `POST ${status} → /-/proposals/${id}; "${lead}"`];
  });
  return id;
}

// callout checks the list of open proposals on a page or in the editor.
async function callout(t, where, heading, ids) {
  await step(t, `${where} says "${heading}" and links to ${ids.map((p) => `#${p.id}`).join(", ")}`, async () => {
    const box = t.page.locator(".open-proposals");
    if ((await box.count()) !== 1) return [false, `${await box.count()} .open-proposals callouts`];
    const said = await text(box.locator("strong").first());
    const items = await box.locator(".proposal-links li").allInnerTexts();
    const missing = [];
    for (const p of ids) {
      const link = box.locator(`a[href="/-/proposals/${p.id}"]`);
      const ok = (await link.count()) === 1 && (await text(link)) === `#${p.id} ${p.summary}` && items.some((li) => li.includes(p.author));
      if (!ok) missing.push(`#${p.id}`);
    }
    return [said === heading && items.length === ids.length && missing.length === 0,
      `"${said}"; ${items.length} listed: ${items.map(squash).join(" | ")}; wrong or missing: ${missing.join(" ") || "none"}`];
  });
}

// overlaps checks what a proposal page says about another open proposal on
// the same lines, before either is merged.
async function overlaps(t, self, other) {
  await step(t, `proposal #${self} names #${other.id} as changing the same lines, and still merges cleanly`, async () => {
    const standing = t.page.locator(".proposal-standing");
    if ((await standing.count()) !== 1) return [false, `${await standing.count()} .proposal-standing notes`];
    const said = await text(standing);
    const item = standing.locator(".standing-overlaps li").filter({ has: t.page.locator(`a[href="/-/proposals/${other.id}"]`) });
    const line = (await item.count()) === 1 ? await text(item) : "";
    return [said.includes("Another open proposal changes the same files:") && line.includes(`#${other.id} ${other.summary}`) &&
      line.includes(other.author) && line.includes("it changes the same lines differently") && !said.includes("no longer merges cleanly"), `"${said}"`];
  });
}

// ---- 1: Ana proposes a change ----
async function ana(browser) {
  const t = await newPage(browser, `Ana, anonymous`);
  const { page } = t;
  await open(t, PAGE);
  await step(t, "before any proposal, the page lists none", async () => (await page.locator(".open-proposals").count()) === 0);
  await step(t, "\"Edit this page\" opens the editor, which lists no proposal", async () => {
    await follow(t, page.getByRole("link", { name: "Edit this page" }));
    const callouts = await page.locator(".open-proposals").count();
    return [pathOf(page) === `/-/edit${PAGE}` && callouts === 0, `${pathOf(page)}; ${callouts} callouts`];
  });
  const original = await page.locator("#edit-content").inputValue();
  const lines = original.split("\n");
  const at = TARGETS.map((p) => lines.findIndex((l) => l.startsWith(p)));
  await step(t, "the editor holds the page's source with the three lines to change", async () =>
    [at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1] + 3)), `at lines ${at.map((i) => i + 1).join(", ")}`]);
  const id = await propose(t, lines, at, ANA_SAYS, ANA, SUMMARY_A);
  await step(t, "a proposal no other changes and main has not moved past raises no note", async () =>
    (await page.locator(".proposal-standing").count()) === 0);
  await screenshot(t, "proposals-ana-opened");
  return { t, id, original, lines, at };
}

// ---- 2: Ben is told, and proposes on the same lines ----
async function ben(browser, a) {
  const t = await newPage(browser, `Ben, anonymous`);
  const { page } = t;
  const first = { id: a.id, summary: SUMMARY_A, author: ANA };
  await open(t, PAGE);
  await callout(t, "the page", "A change to this page is waiting for review:", [first]);
  await screenshot(t, "proposals-page-callout", false);
  await step(t, "the link opens Ana's proposal", async () => {
    await follow(t, page.locator(`.open-proposals a[href="/-/proposals/${a.id}"]`));
    const h1 = await text(page.locator(".view-header h1"));
    return [pathOf(page) === `/-/proposals/${a.id}` && h1 === SUMMARY_A, `${pathOf(page)}: "${h1}"`];
  });
  await open(t, PAGE);
  await step(t, "\"Edit this page\" opens the editor", async () => {
    await follow(t, page.getByRole("link", { name: "Edit this page" }));
    return [pathOf(page) === `/-/edit${PAGE}`, pathOf(page)];
  });
  await callout(t, "the editor", "Someone has already proposed a change to this page:", [first]);
  await step(t, "the editor starts from the page as published, without Ana's change", async () =>
    (await page.locator("#edit-content").inputValue()) === a.original);
  await screenshot(t, "proposals-editor-callout", false);
  const id = await propose(t, a.lines, a.at, BEN_SAYS, BEN, SUMMARY_B);
  await overlaps(t, id, first);
  await screenshot(t, "proposals-ben-overlap");
  const second = { id, summary: SUMMARY_B, author: BEN };
  await open(t, PAGE);
  await callout(t, "the page", "2 changes to this page are waiting for review:", [first, second]);
  await step(a.t, "Ana's proposal page now names Ben's", async () => {
    await a.t.page.reload({ waitUntil: "load" });
    return true;
  });
  await overlaps(a.t, a.id, second);
  return { t, id };
}

// ---- 3: the maintainer merges Ben's proposal ----
async function mergeBen(browser, b) {
  const t = await newPage(browser, `maintainer ${MAINTAINER}`);
  const { page } = t;
  await login(t);
  await waiting(t, 2);
  await step(t, "the count opens the list, and the list opens Ben's proposal", async () => {
    await follow(t, page.locator("a.site-waiting"));
    if (pathOf(page) !== "/-/proposals") return [false, pathOf(page)];
    await follow(t, page.locator(`#open a.proposal-title[href="/-/proposals/${b.id}"]`));
    return [pathOf(page) === `/-/proposals/${b.id}`, pathOf(page)];
  });
  await step(t, "Merge publishes Ben's proposal", async () => {
    const status = await submit(t, page.locator("form.decide-merge").getByRole("button", { name: "Merge" }), `/-/proposals/${b.id}/merge`);
    const badge = await text(page.locator(".proposal-badges .badge").first());
    return [status === 303 && pathOf(page) === `/-/proposals/${b.id}` && badge === "Merged", `POST ${status} → ${pathOf(page)}; badge "${badge}"`];
  });
  await waiting(t, 1);
  checkProblems(t);
  await t.context.close();
}

// ---- 4: Ana's proposal says at once that it conflicts ----
async function conflictShown(a) {
  const t = a.t;
  const { page } = t;
  let file = "";
  await open(t, `/-/proposals/${a.id}`);
  await step(t, "Ana's proposal says it no longer merges cleanly, before anyone tries to merge it", async () => {
    const standing = page.locator(".proposal-standing");
    if ((await standing.count()) !== 1) return [false, `${await standing.count()} .proposal-standing notes`];
    const said = await text(standing);
    const files = await standing.locator(".standing-files code").allInnerTexts();
    file = files[0] || "";
    const badge = await text(page.locator(".proposal-badges .badge").first());
    return [said.includes("This proposal no longer merges cleanly.") && said.includes("A maintainer will choose what to keep") &&
      files.length === 1 && file.endsWith("Secure-messaging.md") && badge === "Open" && !said.includes("same lines differently"),
    `badge "${badge}"; "${said}"`];
  });
  await step(t, "a reader is not offered the maintainer's resolution form", async () => {
    const forms = await page.locator(".conflict-form, input[type=radio][name^='keep-']").count();
    return [forms === 0, `${forms} form elements`];
  });
  await screenshot(t, "proposals-ana-conflicts");
  await open(t, PAGE);
  await step(t, "the page shows Ben's merged text and still lists Ana's proposal", async () => {
    const body = await text(page.locator(".doc-body > .prose"));
    return [BEN_SAYS.every((s) => body.includes(s)) && !ANA_SAYS.some((s) => body.includes(s)), ""];
  });
  await callout(t, "the page", "A change to this page is waiting for review:", [{ id: a.id, summary: SUMMARY_A, author: ANA }]);
  console.log(`RESULT file=${file}`);
  checkProblems(t);
  await t.context.close();
}

// choose answers one conflicting block, checking first that it offers
// Ana's line against Ben's.
async function choose(t, block, k, label, own) {
  await step(t, `block ${k + 1}: Ana's line against Ben's, answered "${label}"`, async () => {
    const proposed = await text(block.locator(".conflict-side-proposal pre"));
    const current = await text(block.locator(".conflict-side-main pre"));
    const ok = proposed.includes(ANA_SAYS[k]) && !proposed.includes(BEN_SAYS[k]) && current.includes(BEN_SAYS[k]) && !current.includes(ANA_SAYS[k]);
    await block.getByLabel(label, { exact: true }).check();
    if (own) await block.locator("textarea").fill(own);
    return [ok && (await block.getByLabel(label, { exact: true }).isChecked()), `proposed "${proposed}"; current "${current}"`];
  });
}

// ---- 5 and 6: the maintainer resolves without JavaScript; credit ----
async function resolve(browser, a) {
  const t = await newPage(browser, `maintainer ${MAINTAINER}, no JavaScript`, false);
  const { page } = t;
  await login(t);
  await waiting(t, 1);
  await open(t, `/-/proposals/${a.id}`);
  const blocks = page.locator(".conflict-form .conflict-block");
  await step(t, "the maintainer is asked to choose, block by block, in a form", async () => {
    const said = await text(page.locator(".proposal-standing"));
    const n = await blocks.count();
    const raw = page.locator(".conflict-form details.conflict-raw");
    const closed = (await raw.count()) === 1 && (await raw.getAttribute("open")) === null;
    const markers = (await raw.locator("textarea").inputValue()).includes("<<<<<<<");
    return [said.includes("Choose below what to keep, block by block") && n === TARGETS.length && closed && markers,
      `${n} blocks; whole-file text ${closed ? "folded away" : "open"}, ${markers ? "with" : "without"} markers`];
  });
  await choose(t, blocks.nth(0), 0, KEEP_BOTH);
  await choose(t, blocks.nth(1), 1, KEEP_EDIT, OWN);
  await choose(t, blocks.nth(2), 2, KEEP_MAIN);
  await screenshot(t, "proposals-resolve-nojs");
  await step(t, "\"Resolve and merge\" merges Ana's proposal", async () => {
    const status = await submit(t, page.getByRole("button", { name: "Resolve and merge" }), `/-/proposals/${a.id}/merge`);
    const badge = await text(page.locator(".proposal-badges .badge").first());
    const note = await text(page.locator(".callout-success"));
    const count = await page.locator("a.site-waiting").count();
    return [status === 303 && pathOf(page) === `/-/proposals/${a.id}` && badge === "Merged" && note.startsWith(`Merged by ${MAINTAINER}`) && count === 0,
      `POST ${status} → ${pathOf(page)}; badge "${badge}"; "${note}"; header count shown ${count}×`];
  });
  // What each of the three lines of the page should now be, for the Go
  // test to check in git: both lines, the maintainer's own, Ben's.
  const line = (k) => a.lines[a.at[k]];
  const becomes = [`${line(0)} ${ANA_SAYS[0]}\n${line(0)} ${BEN_SAYS[0]}`, OWN, `${line(2)} ${BEN_SAYS[2]}`];
  console.log(`RESULT proposalA=${a.id}`);
  becomes.forEach((to, k) => console.log(`RESULT line${k}=${JSON.stringify({ from: line(k), to })}`));

  await step(t, "\"Read the page\" shows the resolved text", async () => {
    await follow(t, page.getByRole("link", { name: "Read the page" }));
    const body = await text(page.locator(".doc-body > .prose"));
    const want = [ANA_SAYS[0], BEN_SAYS[0], `(resolved ${tag})`, BEN_SAYS[2]];
    const unwanted = [ANA_SAYS[1], BEN_SAYS[1], ANA_SAYS[2], "<<<<<<<", ">>>>>>>"];
    const missing = want.filter((s) => !body.includes(s));
    const extra = unwanted.filter((s) => body.includes(s));
    return [pathOf(page) === PAGE && missing.length === 0 && extra.length === 0,
      `${pathOf(page)}; missing: ${missing.join(" | ") || "none"}; should be gone: ${extra.join(" | ") || "none"}`];
  });
  await step(t, `the page credits ${ANA}, reviewed by ${MAINTAINER}, and lists no open proposal`, async () => {
    const changed = await text(page.locator(".doc-changed"));
    const callouts = await page.locator(".open-proposals").count();
    // "(not verified)" may follow Ana's name or the sentence.
    const credit = new RegExp(`by ${ANA}( \\(not verified\\))?, reviewed by ${MAINTAINER}\\b`);
    return [credit.test(changed) && callouts === 0, `"${changed}"; ${callouts} callouts`];
  });
  await screenshot(t, "proposals-credit", false);
  await step(t, "the history lists both merges, each followed by the contributor's own commit", async () => {
    await follow(t, page.locator(".doc-history a"));
    const rows = await page.locator("table.history tbody tr").evaluateAll((trs) => trs.map((tr) => ({
      summary: tr.querySelector(".history-summary a, .history-summary").textContent.replace(/\s+/g, " ").trim(),
      author: tr.querySelector(".history-author").textContent.replace(/\s+/g, " ").trim(),
    })));
    const want = [
      (r) => r.author.startsWith(ANA) && r.author.includes(`reviewed by ${MAINTAINER}`),
      (r) => r.author.startsWith(ANA) && !r.author.includes("reviewed") && r.summary.startsWith(SUMMARY_A),
      (r) => r.author.startsWith(BEN) && r.author.includes(`reviewed by ${MAINTAINER}`),
      (r) => r.author.startsWith(BEN) && !r.author.includes("reviewed") && r.summary.startsWith(SUMMARY_B),
    ];
    const ok = rows.length > want.length && want.every((f, i) => f(rows[i]));
    return [ok, rows.slice(0, 5).map((r) => `${r.summary} — ${r.author}`).join(" | ")];
  });
  await screenshot(t, "proposals-history", false);
  checkProblems(t);
  await t.context.close();
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} against ${base.href}; screenshots in ${shotDir}; run ${tag}`);
  try {
    const a = await ana(browser);
    const b = await ben(browser, a);
    console.log(`RESULT proposalB=${b.id}`);
    checkProblems(b.t);
    await b.t.context.close();
    await mergeBen(browser, b);
    await conflictShown(a);
    await resolve(browser, a);
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
    console.log(`STOP after a failed step: ${e.message}`);
  } finally {
    for (const t of contexts) checkProblems(t);
    await browser.close();
  }
  finish("proposal checks");
}

main().catch((e) => {
  console.error("proposals.mjs crashed:", e);
  process.exit(1);
});
