// End-to-end test of the `divtrace serve` workspace in Debian's Chromium.
// Usage: node e2e.mjs URL OUT_DIR [QUERY]
// Searches a Turkish name typed without diacritics, expands its partners,
// filters the dates, runs a route query, draws a channel, opens a hop's
// declarations, checks the view survives a reload from its URL, saves a
// snapshot and a DOT export, and takes
// a screenshot (OUT_DIR/workspace.png). Fails on any page error or any
// request to another host. Exit code 0 on success.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [url, outDir, query = 'bogazici yildiz', expectName = 'Boğaziçi'] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node e2e.mjs URL OUT_DIR [QUERY] [EXPECTED_NAME]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const origin = new URL(url).origin;
const fail = (msg) => { throw new Error(msg); };
const timings = {};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 }, acceptDownloads: true });
  const offsite = [];
  const errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) offsite.push(r.url()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });

  let t = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  timings.interactive_ms = Date.now() - t;

  // Search without diacritics.
  t = Date.now();
  await page.fill('#q', query);
  await page.waitForSelector('#hits li', { timeout: 10000 });
  timings.search_ms = Date.now() - t;
  const hit = await page.textContent('#hits li');
  if (!hit.includes(expectName)) fail(`first hit for "${query}" is not ${expectName}: ${hit}`);
  await page.click('#hits li');
  await page.waitForSelector('#tab-entity h2');
  const title = await page.textContent('#tab-entity h2');
  if (!title.includes(expectName)) fail('entity panel shows ' + title);

  // Expand its partners.
  const count = () => page.evaluate(() => window.divtrace.cy.nodes().length);
  t = Date.now();
  await page.click('#expand');
  await page.waitForFunction(() => window.divtrace.cy.edges().length > 0, null, { timeout: 10000 });
  timings.expand_ms = Date.now() - t;
  const expanded = await count();
  if (expanded < 3) fail('expansion drew only ' + expanded + ' nodes');

  // Filter dates: move the start of the range to the middle.
  const max = await page.$eval('#since', (e) => +e.max);
  const mid = Math.floor(max / 2);
  await page.$eval('#since', (e, v) => { e.value = v; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); }, mid);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Filters applied'), null, { timeout: 10000 });
  const since = await page.evaluate(() => window.divtrace.state.filters.since);
  if (!since) fail('the date filter did not apply');
  const early = await page.evaluate((s) => window.divtrace.cy.edges().filter((e) => e.data('first') && e.data('first') < s).length, since);
  if (early) fail(early + ' edges start before ' + since);
  if (!(await page.evaluate(() => location.hash.includes('since')))) fail('the URL does not hold the filter');

  // A deep link re-opens the same view.
  const nodesBefore = await count();
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForFunction((n) => window.divtrace.cy.nodes().length === n, nodesBefore, { timeout: 10000 });

  // Route query with the form's defaults (US makers and US-origin goods to Russia/Belarus, channels).
  await page.click('#tabs button[data-tab=routes]');
  t = Date.now();
  await page.click('#run-routes');
  await page.waitForSelector('#routes-out .item', { timeout: 30000 });
  timings.routes_ms = Date.now() - t;
  const channels = await page.$$eval('#routes-out .item', (x) => x.length);
  await page.click('#routes-out .item .chain');
  await page.waitForFunction(() => window.divtrace.cy.edges('.route').length > 0, null, { timeout: 10000 });

  // A hop's declarations, with source file and line.
  await page.click('#routes-out .item.on .hop');
  await page.waitForSelector('#tab-detail .src', { timeout: 10000 });
  const src = await page.textContent('#tab-detail .src');
  if (!/shipments\.csv:\d+/.test(src)) fail('hop declaration has no source line: ' + src);
  await page.waitForFunction(() => document.querySelectorAll('#tab-detail .src').length >= 2, null, { timeout: 10000 });

  // Names reach the page as text: no element came from data markup.
  const scripts = await page.$$eval('script', (s) => s.map((x) => x.getAttribute('src')));
  if (scripts.some((s) => !s || !s.startsWith('/assets/'))) fail('unexpected script elements: ' + scripts);

  // Keep and share: a snapshot file and a DOT exhibit of the chart, both downloads.
  await page.click('#tabs button[data-tab=view]');
  const [snap] = await Promise.all([page.waitForEvent('download'), page.click('#save-snap')]);
  const snapPath = join(outDir, 'view.json');
  await snap.saveAs(snapPath);
  const saved = JSON.parse(readFileSync(snapPath, 'utf8'));
  if (saved.format !== 'divtrace-view/1' || !saved.state.pinned.length || !Object.keys(saved.positions).length) fail('bad snapshot: ' + JSON.stringify(saved).slice(0, 200));
  const [dot] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=dot]')]);
  const dotPath = join(outDir, 'view.dot');
  await dot.saveAs(dotPath);
  if (!readFileSync(dotPath, 'utf8').startsWith('digraph divtrace {')) fail('the DOT export is not a divtrace diagram');

  // The drawn route is readable: its arrows carry their labels, and a chart
  // holding only the route reads left to right in hop order.
  const canvas = await page.evaluate(() => {
    const cy = window.divtrace.cy, r = window.divtrace.state.route;
    const edges = cy.edges().not('.more');
    const ids = [r.hops[0].shipper].concat(r.hops.map((h) => h.consignee));
    return {
      edges: edges.length,
      labelled: edges.filter((e) => e.hasClass('labelled')).length,
      routeUnlabelled: cy.edges('.route').filter((e) => !e.hasClass('labelled')).length,
      chainOnly: cy.nodes().not('.more').every((n) => n.hasClass('route')),
      pos: ids.map((id) => cy.getElementById(id).position()),
    };
  });
  if (canvas.routeUnlabelled) fail(canvas.routeUnlabelled + ' arrows of the drawn route have no label');
  if (canvas.edges <= 12 && canvas.labelled !== canvas.edges) fail(`a chart of ${canvas.edges} arrows labels only ${canvas.labelled}`);
  if (canvas.chainOnly) {
    for (let i = 1; i < canvas.pos.length; i++) {
      const [a, b] = [canvas.pos[i - 1], canvas.pos[i]];
      if (!(b.x > a.x) || Math.abs(b.y - canvas.pos[0].y) > 1) fail('the route is not laid out left to right in hop order: ' + JSON.stringify(canvas.pos));
    }
  }

  await page.click('#tabs button[data-tab=routes]');
  await page.screenshot({ path: join(outDir, 'workspace.png') });

  // A busy chart (more than twelve arrows) labels only the route's arrows and
  // those of the selected party; selecting another moves the labels with it.
  const busy = await page.evaluate(async () => {
    const cy = window.divtrace.cy;
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const hub = cy.add({ group: 'nodes', data: { id: 'test-hub', label: 'hub', fill: '#fff' }, position: { x: 0, y: 0 } });
    for (let i = 0; i < 14; i++) {
      cy.add({ group: 'nodes', data: { id: 'test-p' + i, label: 'p' + i, fill: '#fff' }, position: { x: 50 * i, y: 100 } });
      cy.add({ group: 'edges', data: { id: 'test-e' + i, source: 'test-hub', target: 'test-p' + i, label: 'x', width: 1 } });
    }
    cy.nodes().unselect();
    await settle();
    const ours = cy.edges('[id ^= "test-e"]');
    const idle = ours.filter((e) => e.hasClass('labelled')).length;
    const route = cy.edges('.route').filter((e) => !e.hasClass('labelled')).length;
    cy.getElementById('test-p3').select();
    await settle();
    const one = ours.filter((e) => e.hasClass('labelled')).map((e) => e.id());
    hub.select();
    await settle();
    const all = ours.filter((e) => e.hasClass('labelled')).length;
    cy.remove('[id ^= "test-"]');
    return { idle, route, one, all };
  });
  if (busy.idle !== 0) fail(busy.idle + ' arrows labelled on a busy chart with nothing selected');
  if (busy.route !== 0) fail('a busy chart hid the route\'s labels');
  if (busy.one.join() !== 'test-e3') fail('selecting a party labelled ' + busy.one.join());
  if (busy.all !== 14) fail('selecting the hub labelled ' + busy.all + ' of its 14 arrows');
  if (offsite.length) fail('requests left the machine: ' + offsite.join(', '));
  if (errors.length) fail(errors.join('\n'));
  console.log(JSON.stringify({ ok: true, expanded, channels, since, timings }));
} finally {
  await browser.close();
}
