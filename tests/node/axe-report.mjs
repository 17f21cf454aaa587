// Judge an HTML page in Debian's Chromium: axe-core's WCAG 2.x A/AA rules (and
// best practices) at 1280 px and 400 px, reflow at 200 % zoom, screenshots, and
// a few keyboard checks.  Used by tests/test_report.py.
//
//   node axe-report.mjs CONFIG.json
//
// CONFIG: {"chromium": PATH, "pages": [{"file": ABS_PATH, "shots": DIR}]}
// Prints one JSON object: {"pages": [{file, violations, checks, shots}]}.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

async function launch(executablePath) {
  const options = {
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
  };
  try {
    return await puppeteer.launch(options);
  } catch (first) {
    // Several Chromiums starting at once can fail: try once more before believing it.
    await new Promise((r) => setTimeout(r, 2000));
    return await puppeteer.launch(options);
  }
}

async function axe(page) {
  await page.evaluate(AXE);
  return await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  }, TAGS);
}

async function judge(browser, file, shots) {
  const page = await browser.newPage();
  const url = "file://" + file;
  const violations = [];
  const checks = {};
  const taken = [];
  const started = Date.now();
  const views = [
    { name: "1280", width: 1280, height: 900, deviceScaleFactor: 1 },
    { name: "400", width: 400, height: 800, deviceScaleFactor: 1 },
    // The browser's zoom at 200 % on a 1280 px window: 640 CSS pixels, drawn twice as dense.
    { name: "zoom200", width: 640, height: 450, deviceScaleFactor: 2 },
  ];
  for (const view of views) {
    await page.setViewport(view);
    await page.goto(url, { waitUntil: "load" });
    // axe at the two widths; at 200 % zoom the layout is the 640 px one, so only
    // its reflow is measured (axe there too would double the time for nothing new).
    if (view.name !== "zoom200") {
      for (const v of await axe(page)) {
        violations.push({ ...v, view: view.name });
      }
    }
    checks[`overflow_${view.name}`] = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    if (shots && view.name !== "zoom200") {
      fs.mkdirSync(shots, { recursive: true });
      const stem = path.basename(file, ".html");
      // The top of the page, then each section scrolled to the top of the window.
      for (const id of ["top", "findings", "images", "audio"]) {
        const found = await page.evaluate((id) => {
          if (id === "top") { window.scrollTo(0, 0); return true; }
          const e = document.getElementById(id);
          if (!e) return false;
          window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY);
          return true;
        }, id);
        if (!found) continue;
        const shot = path.join(shots, `${stem}-${view.name}-${id}.png`);
        await page.screenshot({ path: shot });
        taken.push(shot);
      }
    }
    console.error(`${file} ${view.name}: ${Date.now() - started} ms`);
  }
  await page.setViewport(views[0]);
  await page.goto(url, { waitUntil: "load" });
  // Keyboard: the first Tab reaches the skip link, and focus is visible.
  await page.keyboard.press("Tab");
  checks.first_tab = await page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    return { text: e.textContent.trim(), outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  // Keyboard: Enter on a sort button sorts its table.
  checks.sort = await page.evaluate(() => {
    const b = document.querySelector("table.sortable thead th button.sort");
    if (!b) return null;
    b.focus();
    return { label: b.textContent.trim() };
  });
  if (checks.sort) {
    await page.keyboard.press("Enter");
    checks.sort.aria_sort = await page.evaluate(
      () => document.querySelector("table.sortable thead th[aria-sort]")?.getAttribute("aria-sort") ?? null,
    );
    checks.sort.status = await page.evaluate(
      () => new Promise((r) => setTimeout(() => r(document.getElementById("status").textContent), 200)),
    );
  }
  // Keyboard: Space on a chapter's button seeks its player there.
  checks.seek = await page.evaluate(() => {
    const buttons = document.querySelectorAll("button.seek");
    const b = buttons[Math.min(1, buttons.length - 1)];
    if (!b) return null;
    b.focus();
    return { start: Number(b.dataset.start), audio: b.dataset.audio };
  });
  if (checks.seek) {
    await page.keyboard.press("Space");
    await new Promise((r) => setTimeout(r, 1500));
    checks.seek.current = await page.evaluate(
      (id) => document.getElementById(id).currentTime,
      checks.seek.audio,
    );
    checks.seek.error = await page.evaluate(
      (id) => (document.getElementById(id).error ? document.getElementById(id).error.code : null),
      checks.seek.audio,
    );
  }
  await page.close();
  return { file, violations, checks, shots: taken };
}

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const browser = await launch(config.chromium);
try {
  const pages = [];
  for (const p of config.pages) {
    pages.push(await judge(browser, p.file, p.shots));
  }
  process.stdout.write(JSON.stringify({ pages }) + "\n");
} finally {
  await browser.close();
}
