// What the browser scripts share: the Chromium they launch, and the
// PASS/FAIL lines the Go tests read.

// Debian's Chromium. playwright-core gives each launch a fresh, empty
// --user-data-dir of its own; the flags keep Chromium from calling home,
// which this machine's closed network would refuse.
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export const tally = { passed: 0, failed: 0 };

// check prints one PASS or FAIL line and counts it.
export function check(scope, name, ok, detail = "") {
  if (ok) tally.passed++; else tally.failed++;
  console.log(`${ok ? "PASS" : "FAIL"} [${scope}] ${name}${detail ? ` (${detail})` : ""}`);
  return ok;
}

// outcome runs one check body: fn returns true, false or [ok, detail]; an
// exception (a timeout, a missing element) is a failure with its message.
export async function outcome(fn) {
  try {
    const r = await fn();
    return Array.isArray(r) ? r : [r !== false, ""];
  } catch (e) {
    return [false, String(e && e.message ? e.message.split("\n")[0] : e)];
  }
}

// attempt runs one check body; a failure is a FAIL of that check, not the
// end of the run.
export async function attempt(scope, name, fn) {
  const [ok, detail] = await outcome(fn);
  return check(scope, name, ok, detail);
}

// finish prints the summary line and exits 1 on any FAIL.
export function finish(label) {
  console.log(`${label}: ${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed > 0 ? 1 : 0);
}
