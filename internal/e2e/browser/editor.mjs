// The editor in a real browser, run by TestBrowserEditor (internal/e2e):
//
//   EDITOR_MAINTAINER=alice EDITOR_MAINTAINER_PASSWORD=... node editor.mjs BASE_URL SCREENSHOT_DIR
//
// Against a running gitwiki with the starter wiki and a maintainer account
// (whose saves are published at once), it drives the system Chromium
// through playwright-core and checks issue 12's editor:
//
//  1. the front matter is form fields, the text box holds the body, and
//     there is one title field;
//  2. one preview, beside the text at 1280 px and below it at 390 px;
//  3. an image pasted into the text is uploaded (POST /-/upload/…), its
//     Markdown inserted at the cursor, shown in the preview before saving,
//     and stored next to the page by the save; a dropped one likewise;
//  4. each heading of the page links to the editor of its section.
//
// Every context fails on console errors, uncaught errors, failed
// same-origin requests and requests to other hosts. One PASS/FAIL line per
// check; a failed step ends the run. RESULT lines tell the Go test what to
// verify with git. Exit 1 on any FAIL.
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS, check, finish, outcome } from "./checks.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";

const [baseArg, shotArg] = process.argv.slice(2);
if (!baseArg || !shotArg) {
  console.error("usage: node editor.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const base = new URL(baseArg);
const shotDir = path.resolve(shotArg);
mkdirSync(shotDir, { recursive: true });
const MAINTAINER = process.env.EDITOR_MAINTAINER || "alice";
const PASSWORD = process.env.EDITOR_MAINTAINER_PASSWORD;
if (!PASSWORD) {
  console.error("editor.mjs: set EDITOR_MAINTAINER_PASSWORD");
  process.exit(2);
}
const PHONE = 390;
const DESKTOP = 1280;
const PAGE = "/Guides/Secure-messaging";
const EDIT = `/-/edit${PAGE}`;
const tag = Math.random().toString(36).slice(2, 8);

class StepFailed extends Error {}
async function step(t, name, fn, soft = false) {
  const [ok, detail] = await outcome(fn);
  check(t.scope, name, ok, detail);
  if (!ok && !soft) throw new StepFailed(`${t.scope}: ${name}`);
  return ok;
}

const contexts = [];
async function newPage(browser, scope, width, storageState) {
  const context = await browser.newContext({
    viewport: { width, height: width <= PHONE ? 844 : 900 },
    deviceScaleFactor: 1,
    colorScheme: "light",
    reducedMotion: "reduce",
    serviceWorkers: "block",
    storageState,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const t = { context, page, scope, problems: { console: [], pageerror: [], offsite: [], failed: [] } };
  const { problems } = t;
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(`${m.text()} @ ${page.url()}`); });
  page.on("pageerror", (e) => problems.pageerror.push(`${e} @ ${page.url()}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["data:", "blob:", "about:"].includes(u.protocol) && u.host !== base.host) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => {
    const u = new URL(r.url());
    const error = r.failure() ? r.failure().errorText : "";
    if (error === "net::ERR_ABORTED" && /\/favicon\.[0-9a-f]+\.svg$/.test(u.pathname)) return;
    if (u.host === base.host) problems.failed.push(`${r.url()} ${error}`);
  });
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.host === base.host && r.status() >= 400) problems.failed.push(`${r.status()} ${r.url()}`);
  });
  page.on("dialog", (d) => d.accept().catch(() => {}));
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
  for (const k of Object.keys(t.problems)) t.problems[k] = [...new Set(t.problems[k])];
  const p = t.problems;
  check(t.scope, "no console errors", p.console.length === 0, p.console.slice(0, 5).join(" | "));
  check(t.scope, "no uncaught page errors", p.pageerror.length === 0, p.pageerror.slice(0, 5).join(" | "));
  check(t.scope, "no request to another host", p.offsite.length === 0, p.offsite.slice(0, 5).join(" "));
  check(t.scope, "every same-origin request succeeded", p.failed.length === 0, p.failed.slice(0, 5).join(" | "));
}

async function screenshot(t, name, fullPage = false) {
  const file = path.join(shotDir, `${name}.png`);
  await t.page.screenshot({ path: file, fullPage });
  console.log(`SHOT [${t.scope}] ${file}`);
}

const url = (p) => new URL(p, base).href;
const pathOf = (page) => decodeURIComponent(new URL(page.url()).pathname);

async function open(t, pathname) {
  await step(t, `GET ${pathname} is 200`, async () => {
    const resp = await t.page.goto(url(pathname), { waitUntil: "load" });
    return [!!resp && resp.status() === 200, resp ? String(resp.status()) : "no response"];
  });
}

async function submit(t, button, postPath) {
  const { page } = t;
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === postPath),
    page.waitForNavigation({ waitUntil: "load" }),
    button.click(),
  ]);
  return resp.status();
}

// settled waits for the live preview to show text with no update under way.
async function settled(t, text) {
  await t.page.locator(".edit-preview .preview-frame").filter({ hasText: text }).waitFor({ state: "attached" });
  await t.page.waitForFunction(() => !document.querySelector(".edit-preview.is-updating"));
}

// box is an element's rectangle in page coordinates.
const box = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY };
});

// paste gives the text box a clipboard holding one PNG image, as a
// screenshot tool leaves it, with the name browsers give pasted images.
async function pasteImage(page, kind) {
  await page.evaluate(async (kind) => {
    const canvas = document.createElement("canvas");
    canvas.width = 40;
    canvas.height = 24;
    const g = canvas.getContext("2d");
    g.fillStyle = "#0a7";
    g.fillRect(0, 0, 40, 24);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], "image.png", { type: "image/png" }));
    const box = document.getElementById("edit-content");
    const e = kind === "drop" ?
      new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }) :
      new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true });
    box.dispatchEvent(e);
  }, kind);
}

async function login(t) {
  const { page } = t;
  await open(t, "/-/login");
  await step(t, `${MAINTAINER} logs in`, async () => {
    await page.getByLabel("Name").fill(MAINTAINER);
    await page.getByLabel("Password").fill(PASSWORD);
    const status = await submit(t, page.getByRole("button", { name: "Log in" }), "/-/login");
    return [status === 303, `POST /-/login ${status}`];
  });
}

// ---- 1 and 2 at 1280 px, 3 ----
async function desktop(browser) {
  const t = await newPage(browser, `maintainer ${DESKTOP}`, DESKTOP);
  const { page } = t;
  await login(t);
  await open(t, EDIT);
  const textarea = page.locator("#edit-content");
  await step(t, "the front matter is fields, the text box holds the body, one title", async () => {
    const body = await textarea.inputValue();
    const title = await page.locator('input[name="title"]').count();
    const value = await page.getByLabel("Title", { exact: true }).inputValue();
    const tags = await page.getByLabel("Tags").inputValue();
    const weight = await page.getByLabel("Order").inputValue();
    return [!body.startsWith("---") && !/^title:/m.test(body) && title === 1 && value === "Secure messaging" &&
      tags === "communication, messaging, encryption" && weight === "10",
      `body starts "${body.slice(0, 30)}"; ${title} title field "${value}"; tags "${tags}"; order "${weight}"`];
  });
  await settled(t, "Most civil-society teams");
  await step(t, `one preview, beside the text at ${DESKTOP}px`, async () => {
    const panes = await page.locator(".edit-preview, .edit-live").count();
    const visible = await page.locator(".edit-preview").isVisible();
    const [text, pane] = [await box(textarea), await box(page.locator(".edit-preview"))];
    return [panes === 1 && visible && pane.left >= text.right && Math.abs(pane.top - text.top) < 60,
      `${panes} preview(s); text ${Math.round(text.left)}–${Math.round(text.right)}, preview from ${Math.round(pane.left)}; tops ${Math.round(text.top)}/${Math.round(pane.top)}`];
  });
  await screenshot(t, `editor-${DESKTOP}`);

  // Paste at the end of the first paragraph: the image becomes a
  // paragraph of its own there.
  const original = await textarea.inputValue();
  const at = original.indexOf("\n\n", 1);
  await textarea.focus();
  await textarea.evaluate((el, at) => el.setSelectionRange(at, at), at);
  let pasted = "";
  await step(t, "a pasted image is uploaded and its Markdown put at the cursor", async () => {
    const upload = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/-/upload${PAGE}`);
    await pasteImage(page, "paste");
    const resp = await upload;
    const answer = await resp.json();
    await page.waitForFunction((md) => document.getElementById("edit-content").value.includes(md), answer.markdown);
    pasted = answer.markdown;
    const value = await textarea.inputValue();
    const want = original.slice(0, at) + "\n\n" + answer.markdown + original.slice(at);
    return [resp.status() === 200 && /^!\[image\]\(image(-\d+)?\.png\)$/.test(answer.markdown) && value === want,
      `POST ${resp.status()} ${JSON.stringify(answer)}; text ${value === want ? "has it at the cursor" : `is "${value.slice(at - 20, at + 40)}"`}`];
  });
  await step(t, "the preview shows the pasted image before it is saved", async () => {
    const img = page.locator(".edit-preview .preview-frame img[alt='image']");
    await img.waitFor({ state: "attached" });
    await page.waitForFunction(() => {
      const i = document.querySelector(".edit-preview .preview-frame img[alt='image']");
      return i && i.complete && i.naturalWidth > 0;
    });
    const src = await img.getAttribute("src");
    return [src.startsWith("data:image/png;base64,"), `src ${src.slice(0, 30)}…`];
  });
  await step(t, "the file is listed with the edit, as the form will send it", async () => {
    const names = await page.locator('.pending-files input[name="pending_name"]').evaluateAll((l) => l.map((i) => i.value));
    const status = (await page.locator(".attach-status").innerText()).trim();
    return [names.length === 1 && pasted.includes(`(${names[0]})`) && status.startsWith("Added"), `${names.join(", ")}; "${status}"`];
  });
  await page.locator(".edit-preview .preview-frame img[alt='image']").scrollIntoViewIfNeeded();
  await screenshot(t, `editor-${DESKTOP}-pasted`);

  await step(t, "a dropped image goes in too, under a name of its own", async () => {
    await textarea.evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
    const upload = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/-/upload${PAGE}`);
    await pasteImage(page, "drop");
    const answer = await (await upload).json();
    await page.waitForFunction((md) => document.getElementById("edit-content").value.includes(md), answer.markdown);
    // Saving while a preview is on its way would cancel it: wait for the
    // one that shows both images.
    await page.waitForFunction(() => !document.querySelector(".edit-preview.is-updating") &&
      [...document.querySelectorAll(".edit-preview .preview-frame img[alt='image']")].filter((i) => i.src.startsWith("data:")).length === 2);
    return [answer.markdown !== pasted && /^!\[image\]\(image-\d+\.png\)$/.test(answer.markdown), `${answer.markdown} after ${pasted}`];
  });

  let file = "";
  await step(t, "saving stores the images next to the page, which shows them", async () => {
    await page.getByLabel("What did you change?").fill(`Add a screenshot ${tag}`);
    const status = await submit(t, page.getByRole("button", { name: "Publish" }), EDIT);
    const img = page.locator("main .prose img[alt='image']").first();
    await img.waitFor({ state: "attached" });
    await page.waitForFunction(() => {
      const i = document.querySelector("main .prose img[alt='image']");
      return i && i.complete && i.naturalWidth > 0;
    });
    file = decodeURIComponent(new URL(await img.evaluate((i) => i.src)).pathname);
    const resp = await page.request.get(url(file));
    return [status === 303 && pathOf(page) === PAGE && resp.status() === 200 && resp.headers()["content-type"] === "image/png",
      `POST ${status} → ${pathOf(page)}; ${file} is ${resp.status()} ${resp.headers()["content-type"]}`];
  });
  console.log(`RESULT attachment=${file}`);
  console.log(`RESULT markdown=${pasted}`);
  await screenshot(t, `editor-saved-${DESKTOP}`);

  // ---- 4 ----
  await step(t, "a heading's \"Edit section\" link opens the editor of that section", async () => {
    const link = page.getByRole("link", { name: "Edit section “Comparing common apps”" });
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), link.click()]);
    const text = await textarea.inputValue();
    const eyebrow = (await page.locator(".eyebrow").first().textContent()).trim();
    return [text.startsWith("## Comparing common apps") && !text.includes("## Habits") && eyebrow === "Editing a section",
      `"${eyebrow}"; text starts "${text.slice(0, 30)}", ${text.length} characters`];
  });
  checkProblems(t);
  return t;
}

// ---- 2 at 390 px ----
async function phone(browser, state) {
  const t = await newPage(browser, `maintainer ${PHONE}`, PHONE, state);
  const { page } = t;
  await open(t, EDIT);
  const sentence = `Phone layout check ${tag}.`;
  await page.locator("#edit-content").focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n" + sentence + "\n");
  await step(t, `one preview, below the text at ${PHONE}px`, async () => {
    await page.locator(".edit-preview").scrollIntoViewIfNeeded();
    await settled(t, sentence);
    const panes = await page.locator(".edit-preview, .edit-live").count();
    const [text, pane] = [await box(page.locator("#edit-content")), await box(page.locator(".edit-preview"))];
    return [panes === 1 && pane.top >= text.bottom && pane.left < text.right,
      `${panes} preview(s); text ends at ${Math.round(text.bottom)}, preview starts at ${Math.round(pane.top)}`];
  });
  await screenshot(t, `editor-${PHONE}-preview`);
  await step(t, `no horizontal scrolling at ${PHONE}px`, async () => {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    return [sw <= PHONE, `scrollWidth ${sw}`];
  });
  checkProblems(t);
  await t.context.close();
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60000 });
  console.log(`Chromium ${browser.version()} against ${base.href}; screenshots in ${shotDir}; run ${tag}`);
  try {
    const t = await desktop(browser);
    const state = await t.context.storageState();
    await phone(browser, state);
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
    console.log(`STOP after a failed step: ${e.message}`);
  } finally {
    for (const t of contexts) checkProblems(t);
    await browser.close();
  }
  finish("editor checks");
}

main().catch((e) => {
  console.error("editor.mjs crashed:", e);
  process.exit(1);
});
