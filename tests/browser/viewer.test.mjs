// The viewer in a real browser: Debian's chromium driven by playwright-core. Started by
// tests/view.rs, which serves a repository and passes:
//   VIEW_URL          the server's address
//   VIEW_ROUTES       JSON: [{ "name": ..., "url": ... }] every page to visit
//   VIEW_GRAPH        the graph page of a project of 1,000 decisions
//   VIEW_HOSTILE      JSON: [paths] pages holding a hostile decision or artifact
//   VIEW_SCREENSHOTS  where to write a screenshot of each page at each width
//   VIEW_LIVE         JSON: { path, command, chosen } a page, a CLI command that commits, and
//                     the option the page must then show as chosen
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

const url = process.env.VIEW_URL;
const routes = JSON.parse(process.env.VIEW_ROUTES ?? "[]");
const hostile = JSON.parse(process.env.VIEW_HOSTILE ?? "[]");
const shots = process.env.VIEW_SCREENSHOTS;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const widths = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
];

let browser;

before(async () => {
  assert.ok(url, "VIEW_URL is set by tests/view.rs");
  assert.ok(existsSync(executablePath), `no browser at ${executablePath}: install Debian's chromium (apt-get install -y chromium)`);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
});

/// A page that fails the test on any dialog, console error or blocked script.
async function open(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("dialog", (dialog) => { problems.push(`a dialog opened: ${dialog.message()}`); dialog.dismiss(); });
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => { if (message.type() === "error") problems.push(`console: ${message.text()}`); });
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1:") && !request.url().startsWith("data:")) {
      problems.push(`left the site: ${request.url()}`);
    }
  });
  return { context, page, problems };
}

for (const route of routes) {
  for (const viewport of widths) {
    test(`${route.name} at ${viewport.name} width`, async () => {
      const { context, page, problems } = await open(viewport);
      const response = await page.goto(route.url);
      assert.equal(response.status(), 200, route.url);
      assert.equal(await page.locator("h1").count(), 1, "exactly one h1");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling: ${overflow}px too wide`);
      await page.screenshot({ path: `${shots}/${route.name}-${viewport.name}.png`, fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test("hostile decisions and artifacts render inert", async () => {
  for (const path of hostile) {
    const { context, page, problems } = await open(widths[0]);
    await page.goto(url + path);
    const active = await page.evaluate(() => {
      const found = [];
      for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
          if (attribute.name.startsWith("on")) found.push(`${element.tagName} ${attribute.name}`);
          if (/^\s*javascript:/i.test(attribute.value)) found.push(`${element.tagName} ${attribute.name}=javascript:`);
        }
      }
      const scripts = [...document.scripts].map((s) => s.getAttribute("src"));
      if (scripts.some((src) => src !== "/static/view.js")) found.push(`scripts: ${scripts}`);
      return found;
    });
    assert.deepEqual(active, [], path);
    // What the attacker wrote is shown as text, and clicking every link starts nothing.
    for (const link of await page.locator("main a").all()) {
      const href = await link.getAttribute("href");
      assert.ok(!/^\s*javascript:/i.test(href ?? ""), href);
    }
    await page.waitForTimeout(200);
    assert.deepEqual(problems, [], path);
    await context.close();
  }
});

test("the keyboard reaches the content first, and every control has a name", async () => {
  const { context, page, problems } = await open(widths[0]);
  await page.goto(routes.find((r) => r.name === "decisions").url);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  assert.ok(page.url().endsWith("#main"));
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("select, button, input:not([type=hidden])")]
      .filter((c) => !(c.labels?.length || c.getAttribute("aria-label") || c.textContent.trim()))
      .map((c) => c.outerHTML));
  assert.deepEqual(unnamed, []);
  // The filters work: choosing a status narrows the list (the script submits the form).
  const before = await page.locator("table.decisions tbody tr").count();
  await Promise.all([page.waitForURL(/status=assumed/), page.selectOption("select[name=status]", "assumed")]);
  const after = await page.locator("table.decisions tbody tr").count();
  assert.ok(after < before, `filtered ${before} to ${after}`);
  for (const badge of await page.locator("table.decisions tbody tr .badge").allTextContents()) {
    assert.ok(["assumed", "locked"].includes(badge), badge);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a commit made from the CLI appears on an open page within 2 s", async () => {
  const live = JSON.parse(process.env.VIEW_LIVE);
  const { context, page, problems } = await open(widths[0]);
  await page.goto(url + live.path);
  const chosen = page.locator("ul.options li.chosen code");
  assert.notEqual(await chosen.textContent(), live.chosen);
  // The page's event stream is open before the commit.
  await page.waitForSelector("body[data-live=open]");
  const start = Date.now();
  execFileSync(live.command[0], live.command.slice(1), { stdio: "pipe" });
  await page.waitForFunction(
    (want) => document.querySelector("ul.options li.chosen code")?.textContent === want,
    live.chosen,
    { timeout: 2000 },
  );
  const took = Date.now() - start;
  assert.ok(took < 2000, `shown after ${took} ms`);
  assert.match(await page.locator("#live").textContent(), /api\.auth = oauth/);
  assert.equal(page.url(), url + live.path, "no reload: the content was swapped in place");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the graph of 1,000 decisions is drawn whole and driven by the keyboard alone", async () => {
  const { context, page, problems } = await open(widths[0]);
  await page.goto(process.env.VIEW_GRAPH);
  await page.waitForSelector("body[data-graph=ready]");
  const ready = await page.evaluate(() => performance.now());
  console.log(`graph of 1,000 decisions interactive ${Math.round(ready)} ms after navigation start`);
  assert.equal(await page.locator("#graph .node").count(), 1000);
  const links = await page.locator("#graph line").count();
  console.log(`graph of 1,000 decisions has ${links} links`);
  // 960 dependencies, and the pairs the rules relate (a category's shared fact chains the same
  // pairs as its dependencies, which are not drawn twice).
  assert.ok(links >= 1300, `${links} links`);
  // Tab into the graph, move right along a dependency, open the decision with Enter.
  let focused = null;
  for (let i = 0; i < 30 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.dataset?.key ?? null);
  }
  assert.ok(focused, "Tab reaches a decision of the graph");
  const x = async () => page.evaluate(() => Number(document.activeElement.getAttribute("transform").match(/[\d.]+/)[0]));
  const before = await x();
  await page.keyboard.press("ArrowRight");
  const moved = await page.evaluate(() => document.activeElement?.dataset?.key);
  assert.notEqual(moved, focused);
  assert.ok((await x()) > before, "ArrowRight goes to a decision further right");
  // Zooming with the keyboard changes what the view holds.
  const box = async () => page.evaluate(() => document.getElementById("graph").getAttribute("viewBox"));
  const wide = await box();
  await page.keyboard.press("-");
  assert.notEqual(await box(), wide);
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith(`/d/${moved}`)), page.keyboard.press("Enter")]);
  assert.equal(await page.locator("h1").textContent(), moved);
  await page.screenshot({ path: `${shots}/graph-keyboard-desktop.png` });
  assert.deepEqual(problems, []);
  await context.close();
});

test("typing in the graph's search highlights the decisions that match", async () => {
  const { context, page, problems } = await open(widths[1]);
  await page.goto(process.env.VIEW_GRAPH);
  await page.waitForSelector("body[data-graph=ready]");
  await page.fill("#graph-search", "area37.q77");
  const hits = await page.locator("#graph .node.hit").evaluateAll((nodes) => nodes.map((n) => n.dataset.key));
  assert.deepEqual(hits.sort(), ["area37.q77"]);
  assert.deepEqual(problems, []);
  await context.close();
});

test("with JavaScript off, the pages and the filters still work", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: widths[1] });
  const page = await context.newPage();
  const decisions = routes.find((r) => r.name === "decisions").url;
  await page.goto(decisions);
  const before = await page.locator("table.decisions tbody tr").count();
  await page.selectOption("select[name=status]", "assumed");
  await Promise.all([page.waitForURL(/status=assumed/), page.click("form.filters button[type=submit]")]);
  const after = await page.locator("table.decisions tbody tr").count();
  assert.ok(after > 0 && after < before, `filtered ${before} to ${after} without a script`);
  await page.goto(routes.find((r) => r.name === "decision").url);
  assert.equal(await page.locator("h1").count(), 1);
  await context.close();
});
