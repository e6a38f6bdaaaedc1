// The analyst-decision flow of `divtrace serve --allow-edits` in Debian's Chromium.
// Usage: node edits.mjs URL TOKEN OUT_DIR
// Puts two parties on the chart from the search box, selects both by
// shift-clicking them on the canvas, merges them with the edit token, and
// checks that the chart and the search now show one party; then splits a
// record of it from the Entity tab and checks they are two again. Each
// decision carries a note, which the Entity tab shows as text (the merge's
// note is markup, which must not become an element). Fails on
// any page error or request to another host. Exit code 0 on success.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, token, outDir] = process.argv.slice(2);
if (!url || !token || !outDir) {
  console.error('usage: node edits.mjs URL TOKEN OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const origin = new URL(url).origin;
const fail = (msg) => { throw new Error(msg); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const offsite = [];
  const errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) offsite.push(r.url()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  if (!(await page.textContent('#case')).includes('edits allowed')) fail('the header does not say edits are allowed');

  const add = async (q, id) => {
    await page.fill('#q', q);
    await page.waitForSelector(`#hits li[data-id="${id}"]`, { timeout: 10000 });
    await page.click(`#hits li[data-id="${id}"]`);
    await page.waitForFunction((x) => window.divtrace.cy.getElementById(x).nonempty(), id, { timeout: 10000 });
  };
  await add('desert falcon', 'E0000905');
  await add('vektor', 'E0000907');
  const at = (id) => page.evaluate((x) => {
    const p = window.divtrace.cy.getElementById(x).renderedPosition();
    const r = document.getElementById('cy').getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);
  await page.evaluate(() => window.divtrace.cy.nodes().unselect());
  await page.keyboard.down('Shift');
  for (const id of ['E0000905', 'E0000907']) { const p = await at(id); await page.mouse.click(p.x, p.y); }
  await page.keyboard.up('Shift');
  const selected = await page.evaluate(() => window.divtrace.cy.nodes(':selected').map((n) => n.id()).sort().join(','));
  if (selected !== 'E0000905,E0000907') fail('shift-click selected ' + selected);

  // Without the token the page asks for it and writes nothing.
  await page.click('#tabs button[data-tab=view]');
  await page.click('#merge');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('edit token'), null, { timeout: 5000 });
  await page.fill('#token', token);
  const mergeNote = '<img src=x onerror="window.pwned=1"> same VKN on both invoices';
  await page.fill('#note', mergeNote);
  await page.click('#merge');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Merged'), null, { timeout: 30000 });
  const merged = await page.evaluate(() => window.divtrace.cy.nodes().map((n) => n.id()));
  if (merged.length !== 1) fail('after the merge the chart shows ' + merged.join(', '));
  await page.waitForSelector('#tab-entity button.split', { timeout: 10000 });
  const shown = await page.$$eval('#tab-entity .note', (ns) => ns.map((n) => ({ text: n.textContent, elements: n.children.length })));
  if (shown.length !== 1 || shown[0].text !== mergeNote || shown[0].elements !== 0) fail('the merge note shows as ' + JSON.stringify(shown));
  if (await page.evaluate(() => window.pwned)) fail('the note ran as markup');
  if ((await page.inputValue('#note')) !== '') fail('the note box was not cleared after the decision');
  await page.screenshot({ path: join(outDir, 'merged.png') });

  // Split the other record back out from the Entity tab, with a note typed in the View tab.
  await page.click('#tabs button[data-tab=view]');
  await page.fill('#note', 'different directors');
  await page.click('#tabs button[data-tab=entity]');
  await page.click('#tab-entity button.split');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Split: '), null, { timeout: 30000 });
  const split = await page.evaluate(() => window.divtrace.cy.nodes().map((n) => n.id()).sort());
  if (split.length !== 2) fail('after the split the chart shows ' + split.join(', '));
  if (offsite.length) fail('requests left the machine: ' + offsite.join(', '));
  if (errors.length) fail(errors.join('\n'));
  console.log(JSON.stringify({ ok: true, merged, split }));
} finally {
  await browser.close();
}
