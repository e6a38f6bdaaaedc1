// divtrace workspace: one page over the JSON API of `divtrace serve` (docs/serve.md).
// Rule: text from the case reaches the page only as text nodes, attribute
// values or Cytoscape data, never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const PAGE = 20;
  const BAND_FILL = { low: '#d9ead3', medium: '#fff2cc', high: '#fce5cd', severe: '#f4cccc' };

  // ---- DOM building from nodes, never from markup strings ----
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      e.appendChild(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
    }
    return e;
  }
  const clear = (e) => { while (e.firstChild) e.removeChild(e.firstChild); return e; };
  const fmt = (n) => (n === null || n === undefined ? '' : Math.round(n).toLocaleString('en-US'));
  const usd = (n) => (n === null || n === undefined ? 'value ?' : 'US$ ' + fmt(n));
  function band(b, score) {
    if (!b) return el('span', { class: 'band muted' }, 'risk pending');
    return el('span', { class: 'band ' + b, title: 'risk score ' + score }, b + (score !== null && score !== undefined ? ' ' + score : ''));
  }
  function status(msg, isErr) { const s = clear($('status')); s.appendChild(el('span', { class: isErr ? 'err' : '' }, msg)); }

  // ---- API ----
  async function api(path, params) {
    const u = new URL(path, location.origin);
    for (const [k, v] of params || []) if (v !== '' && v !== null && v !== undefined) u.searchParams.append(k, v);
    const r = await fetch(u, { headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => ({ message: 'unreadable answer (' + r.status + ')' }));
    if (!r.ok) throw new Error((body.parameter ? body.parameter + ': ' : '') + body.message);
    return body;
  }

  // ---- state (mirrored into the URL) ----
  const S = { pinned: [], expanded: {}, filters: {}, route: null, selected: null };
  let info = null;
  let months = [];
  let cy = null;
  let restoring = false;

  function saveUrl() {
    if (restoring) return;
    const h = '#' + encodeURIComponent(JSON.stringify(S));
    history.replaceState(null, '', h);
  }

  // ---- filters ----
  function monthList(first, last) {
    const out = [];
    if (!first || !last) return out;
    let y = +first.slice(0, 4), m = +first.slice(5, 7);
    const ly = +last.slice(0, 4), lm = +last.slice(5, 7);
    while (y < ly || (y === ly && m <= lm)) { out.push([y, m]); m++; if (m > 12) { m = 1; y++; } }
    return out;
  }
  const pad = (n) => String(n).padStart(2, '0');
  function monthStart(i) { const [y, m] = months[i]; return y + '-' + pad(m) + '-01'; }
  function monthEnd(i) { const [y, m] = months[i]; const d = new Date(Date.UTC(y, m, 0)).getUTCDate(); return y + '-' + pad(m) + '-' + pad(d); }
  function showSlider() {
    const a = +$('since').value, b = +$('until').value;
    $('since-out').textContent = months.length ? monthStart(a).slice(0, 7) : '';
    $('until-out').textContent = months.length ? monthEnd(b).slice(0, 7) : '';
  }
  function readFilters() {
    const f = {};
    let a = +$('since').value, b = +$('until').value;
    if (a > b) { [a, b] = [b, a]; $('since').value = a; $('until').value = b; }
    if (months.length && a > 0) f.since = monthStart(a);
    if (months.length && b < months.length - 1) f.until = monthEnd(b);
    const hs = $('hs').value.trim(); if (hs) f.hs = hs;
    const goods = $('goods').value;
    if (goods === 'controlled') f.controlled = 'true';
    else if (goods === 'chpl') f.chpl = 'true';
    else if (goods.startsWith('tier')) f.chpl_tier = goods.slice(4);
    const c = $('country').value; if (c) f.country = c;
    return f;
  }
  function writeFilters(f) {
    const idx = (d, end) => { const i = months.findIndex(([y, m]) => d.slice(0, 7) === y + '-' + pad(m)); return i < 0 ? (end ? months.length - 1 : 0) : i; };
    $('since').value = f.since ? idx(f.since, false) : 0;
    $('until').value = f.until ? idx(f.until, true) : Math.max(0, months.length - 1);
    $('hs').value = f.hs || '';
    $('goods').value = f.controlled ? 'controlled' : f.chpl_tier ? 'tier' + f.chpl_tier : f.chpl ? 'chpl' : '';
    $('country').value = f.country || '';
    showSlider();
  }
  const filterParams = () => Object.entries(S.filters);

  // ---- canvas ----
  function nodeData(c) {
    return {
      id: c.id, label: c.latin ? c.name + '\n' + c.latin : c.name, name: c.name, country: c.country || '',
      fill: BAND_FILL[c.band] || '#e8f1fa', listed: c.lists && c.lists.length ? 1 : 0, band: c.band || '',
    };
  }
  function addNode(c, near) {
    const have = cy.getElementById(c.id);
    if (have.nonempty()) { have.data(nodeData(c)); return have; }
    const pos = near ? { x: near.x + (Math.random() - 0.5) * 160, y: near.y + (Math.random() - 0.5) * 160 } : { x: 0, y: 0 };
    return cy.add({ group: 'nodes', data: nodeData(c), position: pos });
  }
  function addEdge(src, dst, e, cls) {
    const id = src + '\u2192' + dst;
    const have = cy.getElementById(id);
    const label = e.shipments + '\u00d7 ' + usd(e.value_usd) + '\n' + e.first_date + (e.last_date !== e.first_date ? ' .. ' + e.last_date : '');
    const data = { id, source: src, target: dst, label, shipments: e.shipments, value: e.value_usd, first: e.first_date, last: e.last_date, hs: e.hs,
      width: 1 + Math.min(3, Math.log10(Math.max(1, e.shipments))) };
    if (have.nonempty()) { have.data(data); if (cls) have.addClass(cls); return have; }
    const x = cy.add({ group: 'edges', data });
    if (cls) x.addClass(cls);
    return x;
  }
  function layout(fit) {
    // A canvas holding only a drawn route is a chain: laid out left to right in
    // hop order it reads like the route table beside it and fits the canvas's
    // width, where the force layout folded five hops into a tall, tiny zigzag.
    const nodes = cy.nodes().not('.more');
    const first = S.route && S.route.hops.length ? cy.getElementById(S.route.hops[0].shipper) : null;
    const chain = first && first.nonempty() && nodes.length > 1 && nodes.every((n) => n.hasClass('route'));
    const l = chain
      ? cy.layout({ name: 'breadthfirst', directed: true, roots: first, animate: false, spacingFactor: 1.1, nodeDimensionsIncludeLabels: true,
        transform: (n, p) => ({ x: p.y, y: p.x }) })
      : cy.layout({ name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true, idealEdgeLength: () => 140, nodeRepulsion: () => 9000, numIter: 600 });
    l.run();
    if (fit !== false) cy.fit(undefined, 40);
  }

  async function expand(id, pages, silent) {
    const centre = cy.getElementById(id);
    const near = centre.nonempty() ? centre.position() : { x: 0, y: 0 };
    const r = await api('/api/entities/' + encodeURIComponent(id) + '/neighbours', [['limit', PAGE], ['offset', 0], ...filterParams()].concat([]))
      .then((first) => first);
    let got = r, offset = 0;
    addNode(r.entity, null);
    for (let p = 0; ; p++) {
      for (const e of got.edges) {
        addNode(e.partner, near);
        if (e.direction === 'out') addEdge(id, e.partner.id, e); else addEdge(e.partner.id, id, e);
      }
      offset += got.edges.length;
      if (p + 1 >= pages || got.more === 0) break;
      got = await api('/api/entities/' + encodeURIComponent(id) + '/neighbours', [['limit', PAGE], ['offset', offset], ...filterParams()]);
    }
    cy.remove(cy.getElementById('more:' + id));
    if (got.more > 0) {
      cy.add({ group: 'nodes', data: { id: 'more:' + id, label: 'and ' + got.more + ' more', more: id, fill: '#f5f5f5' }, classes: 'more', position: { x: near.x + 120, y: near.y + 120 } });
      cy.add({ group: 'edges', data: { id: 'more-edge:' + id, source: id, target: 'more:' + id, label: '' }, classes: 'more' });
    }
    S.expanded[id] = pages;
    if (!silent) { layout(); saveUrl(); status(r.entity.name + ': ' + r.total + ' partner edge(s) under the filters; showing ' + offset + ', heaviest first'); }
    return r;
  }

  async function rebuild() {
    cy.elements().remove();
    for (const id of S.pinned) {
      try { const r = await api('/api/entities/' + encodeURIComponent(id) + '/neighbours', [['limit', 0]]); addNode(r.entity, null); } catch (e) { status(e.message, true); }
    }
    for (const [id, pages] of Object.entries(S.expanded)) {
      try { await expand(id, pages, true); } catch (e) { status(e.message, true); }
    }
    if (S.route) drawRoute(S.route, true);
    layout();
    saveUrl();
  }

  function pin(c) {
    if (!S.pinned.includes(c.id)) S.pinned.push(c.id);
    addNode(c, null);
    saveUrl();
  }

  // ---- search ----
  let searchTimer = null, hitsSel = -1;
  function showHits(list) {
    const ul = clear($('hits'));
    ul.hidden = list.length === 0;
    hitsSel = -1;
    list.forEach((h) => {
      ul.appendChild(el('li', { role: 'option', 'data-id': h.id, onclick: () => choose(h) },
        el('div', {}, el('b', {}, h.name), ' ', band(h.band, h.score), h.lists.length ? el('span', { class: 'listed' }, ' listed: ' + h.lists.join(', ')) : null),
        el('div', { class: 'sub' }, (h.latin ? h.latin + ' \u00b7 ' : '') + h.id + ' \u00b7 ' + (h.country || '??') + ' \u00b7 matched ' + h.match.replace('_', ' ') + ': ' + h.matched)));
    });
  }
  async function doSearch() {
    const q = $('q').value.trim();
    if (!q) { showHits([]); return; }
    try { const r = await api('/api/search', [['q', q], ['limit', 12]]); showHits(r.hits); status(r.total + ' match(es) for \u201c' + q + '\u201d'); } catch (e) { status(e.message, true); }
  }
  function choose(h) {
    showHits([]);
    pin(h);
    layout();
    openEntity(h.id);
  }

  // ---- entity panel ----
  function timelineSvg(rows) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'timeline');
    svg.setAttribute('viewBox', '0 0 400 70');
    svg.setAttribute('preserveAspectRatio', 'none');
    const max = Math.max(1, ...rows.map((r) => Math.max(r.out_value_usd, r.in_value_usd)));
    const w = 400 / Math.max(1, rows.length);
    rows.forEach((r, i) => {
      for (const [v, y0, colour] of [[r.out_value_usd, 0, '#4a78a8'], [r.in_value_usd, 35, '#c07030']]) {
        const h = (v / max) * 33;
        const rect = document.createElementNS(NS, 'rect');
        rect.setAttribute('x', i * w); rect.setAttribute('width', Math.max(1, w - 1));
        rect.setAttribute('y', y0 + 34 - h); rect.setAttribute('height', h); rect.setAttribute('fill', colour);
        const t = document.createElementNS(NS, 'title');
        t.textContent = r.month + ': out ' + r.out_shipments + ' (' + usd(r.out_value_usd) + '), in ' + r.in_shipments + ' (' + usd(r.in_value_usd) + ')';
        rect.appendChild(t);
        svg.appendChild(rect);
      }
    });
    return svg;
  }
  function partnerTable(rows, dir) {
    return el('table', {}, el('tr', {}, el('th', {}, dir === 'out' ? 'to' : 'from'), el('th', { class: 'num' }, 'shipments'), el('th', { class: 'num' }, 'US$'), el('th', {}, 'dates')),
      rows.map((e) => el('tr', { class: 'click', title: 'add to the chart', onclick: () => { pin(e.partner); layout(); openEntity(e.partner.id); } },
        el('td', {}, e.partner.name, ' ', el('span', { class: 'muted' }, (e.partner.country || '??') + ' ' + e.partner.id), ' ', e.partner.band ? band(e.partner.band, e.partner.score) : null),
        el('td', { class: 'num' }, fmt(e.shipments)), el('td', { class: 'num' }, fmt(e.value_usd)), el('td', { class: 'small' }, e.first_date + ' .. ' + e.last_date))));
  }
  async function openEntity(id) {
    tab('entity');
    const box = clear($('tab-entity'));
    box.appendChild(el('p', { class: 'muted' }, 'Loading ' + id + ' ...'));
    let r;
    try { r = await api('/api/entities/' + encodeURIComponent(id)); } catch (e) { clear(box).appendChild(el('p', { class: 'err' }, e.message)); return; }
    S.selected = id; saveUrl();
    const c = r.entity;
    clear(box);
    box.appendChild(el('h2', {}, c.name));
    if (c.latin) box.appendChild(el('div', { class: 'muted' }, c.latin));
    box.appendChild(el('div', {}, c.id + ' \u00b7 ' + (c.country || '??') + (r.country_name ? ' (' + r.country_name + ')' : '') + ' \u00b7 ' + c.kind + ' ', band(c.band, c.score)));
    if (c.lists.length) box.appendChild(el('div', { class: 'listed' }, 'on screening lists: ' + c.lists.join(', ')));
    box.appendChild(el('div', { class: 'row' },
      el('button', { type: 'button', id: 'expand', onclick: () => expand(id, (S.expanded[id] || 0) + 1).catch((e) => status(e.message, true)) }, 'Expand partners'),
      el('button', { type: 'button', onclick: () => { pin(c); layout(); } }, 'Add to chart'),
      el('button', { type: 'button', onclick: () => setRouteEnd('from', c.id) }, 'Route from here'),
      el('button', { type: 'button', onclick: () => setRouteEnd('to', c.id) }, 'Route to here')));
    box.appendChild(el('h3', {}, 'Names'));
    box.appendChild(el('table', {}, r.names.map((n) => el('tr', {}, el('td', {}, n.text), el('td', { class: 'muted' }, n.latin || ''), el('td', { class: 'small muted' }, (n.alias ? 'alias of ' : 'name of ') + n.entity)))));
    box.appendChild(el('h3', {}, r.members.length > 1 ? 'Records resolved as this party (' + r.members.length + ')' : 'Record'));
    for (const m of r.members) {
      box.appendChild(el('div', { class: 'decl' },
        el('div', {}, el('b', {}, m.id), ' ', m.scope, ' \u00b7 ', m.kind, m.roles.length ? ' \u00b7 ' + m.roles.join(', ') : '', m.incorporated ? ' \u00b7 incorporated ' + m.incorporated : ''),
        m.identifiers.length ? el('div', {}, 'identifiers: ' + m.identifiers.map(([s, v]) => s + ' ' + v).join(', ')) : null,
        m.address ? el('div', {}, m.address) : null,
        m.lists.map((l) => el('div', { class: 'listed' }, l.list + (l.program ? ' (' + l.program + ')' : '') + (l.listed_on ? ' since ' + l.listed_on : '') + (l.source ? ' \u2014 ' + l.source : ''))),
        el('div', { class: 'src' }, m.source_file + ':' + m.source_line),
        info.edits && r.members.length > 1 && m.id !== c.id
          ? el('button', { type: 'button', class: 'split', onclick: () => decide('split', m.id, c.id) }, 'Split this record from ' + c.id) : null));
    }
    if (r.decisions && r.decisions.length) {
      box.appendChild(el('h3', {}, 'Analyst decisions'));
      for (const d of r.decisions) {
        box.appendChild(el('div', { class: 'decl' },
          el('div', {}, el('b', {}, d.decision === 'merge' ? 'same party' : 'different parties'), ': ', d.a, ' ', d.a_name, ' \u2014 ', d.b, ' ', d.b_name),
          d.note ? el('div', { class: 'note' }, d.note) : el('div', { class: 'small muted' }, 'no note'),
          el('div', { class: 'src' }, d.source_file + ':' + d.source_line)));
      }
    }
    box.appendChild(el('h3', {}, 'Risk'));
    if (!r.assessment) box.appendChild(el('p', { class: 'muted' }, r.risk === 'pending' ? 'assessment still running; reopen in a moment' : 'not assessed'));
    else {
      box.appendChild(el('p', {}, 'score ' + r.assessment.score + ' ', band(r.assessment.band, r.assessment.score)));
      box.appendChild(el('table', {}, r.assessment.factors.map((f) => el('tr', {}, el('td', { class: 'num' }, '+' + f.weight), el('td', {}, el('b', {}, f.code), ' ', f.detail,
        f.evidence.length ? el('div', { class: 'small' }, 'evidence: ', f.evidence.slice(0, 12).map((x, i) => [i ? ', ' : '', el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); openEvidence(x); } }, x)]), f.evidence.length > 12 ? ' +' + (f.evidence.length - 12) + ' more' : '') : null)))));
    }
    box.appendChild(el('h3', {}, 'Trade: out ' + fmt(r.out.shipments) + ' shipments (' + usd(r.out.value_usd) + ') to ' + r.out.partners + ' partners; in ' + fmt(r.in.shipments) + ' (' + usd(r.in.value_usd) + ') from ' + r.in.partners));
    if (r.timeline.length) {
      box.appendChild(timelineSvg(r.timeline));
      box.appendChild(el('div', { class: 'small muted' }, r.timeline[0].month + ' .. ' + r.timeline[r.timeline.length - 1].month + ' \u00b7 blue: shipped out, orange: received (value per month)'));
    }
    if (r.top_out.length) { box.appendChild(el('h3', {}, 'Top partners out (by value)')); box.appendChild(partnerTable(r.top_out, 'out')); }
    if (r.top_in.length) { box.appendChild(el('h3', {}, 'Top partners in (by value)')); box.appendChild(partnerTable(r.top_in, 'in')); }
  }
  async function openEvidence(x) {
    try { const s = await api('/api/shipments/' + encodeURIComponent(x)); showShipment(s); } catch (e) { openEntity(x); }
  }

  // ---- declarations ----
  function declBlock(s) {
    return el('div', { class: 'decl' },
      el('div', {}, el('b', {}, s.date), ' ', s.id, s.declaration ? ' \u00b7 decl ' + s.declaration : ''),
      s.partner ? el('div', {}, (s.direction === 'out' ? 'to ' : 'from ') + s.partner.name + ' (' + (s.partner.country || '??') + ')') : null,
      el('div', {}, 'HS ' + s.hs + (s.description ? ' \u00b7 ' + s.description : '') + (s.manufacturer ? ' \u00b7 mfr ' + s.manufacturer : '') + (s.origin_country ? ' \u00b7 origin ' + s.origin_country : '')),
      el('div', {}, usd(s.value_usd) + (s.quantity !== null && s.quantity !== undefined ? ' \u00b7 ' + fmt(s.quantity) + ' ' + (s.unit || '') : '')),
      el('div', { class: 'src' }, s.source_file + ':' + s.source_line));
  }
  async function openEdge(edge) {
    tab('detail');
    const box = clear($('tab-detail'));
    const a = edge.source().data(), b = edge.target().data();
    box.appendChild(el('h2', {}, a.name + ' \u2192 ' + b.name));
    box.appendChild(el('p', {}, edge.data('shipments') + ' shipment(s), ' + usd(edge.data('value')) + ', ' + edge.data('first') + ' .. ' + edge.data('last') + ', mostly HS ' + edge.data('hs')));
    try {
      const r = await api('/api/entities/' + encodeURIComponent(a.id) + '/shipments', [['partner', b.id], ['limit', 50], ...filterParams()]);
      const out = r.shipments.filter((s) => s.direction === 'out');
      box.appendChild(el('h3', {}, 'Declarations (newest first' + (r.more ? '; first 50 of ' + r.total : '') + ')'));
      for (const s of out) box.appendChild(declBlock(s));
    } catch (e) { box.appendChild(el('p', { class: 'err' }, e.message)); }
  }
  function showShipment(r) {
    tab('detail');
    const box = clear($('tab-detail'));
    const s = r.shipment;
    box.appendChild(el('h2', {}, 'Shipment ' + s.id));
    box.appendChild(el('p', {}, (r.shipper ? r.shipper.name : '?') + ' \u2192 ' + (r.consignee ? r.consignee.name : '?')));
    box.appendChild(declBlock({ ...s, id: s.id, declaration: s.source }));
    if (r.chpl) box.appendChild(el('p', {}, 'CHPL tier ' + r.chpl.tier + ': ' + r.chpl.description));
    box.appendChild(el('div', { class: 'src' }, 'file sha256 ' + s.source_sha256));
  }

  // ---- routes ----
  function routeParams() {
    const f = $('routes-form');
    const p = [];
    for (const k of ['from', 'to', 'via', 'avoid']) for (const line of f[k].value.split('\n')) if (line.trim()) p.push([k, line.trim()]);
    for (const k of ['max_hops', 'max_dwell_days', 'hs_level', 'hs', 'since', 'until', 'min_value', 'limit']) if (f[k].value.trim()) p.push([k, f[k].value.trim()]);
    if (f.chpl.checked) p.push(['chpl', 'true']);
    if (f.controlled.checked) p.push(['controlled', 'true']);
    if (f.group.checked) p.push(['group', 'true']);
    return p;
  }
  function setRouteEnd(which, id) {
    tab('routes');
    $('routes-form')[which].value = 'entity:' + id;
  }
  function hopLine(h) {
    return el('div', { class: 'hop', onclick: () => openHop(h) },
      el('div', {}, h.hop + '. ' + h.date + '  ' + h.shipper_name + ' \u2192 ' + h.consignee_name),
      el('div', { class: 'small muted' }, 'HS ' + h.hs + ' \u00b7 ' + usd(h.value_usd) + (h.dwell_days !== null && h.dwell_days !== undefined ? ' \u00b7 dwell ' + h.dwell_days + ' d' : '') + ' \u00b7 ' + h.shipment + (h.declaration ? ' \u00b7 decl ' + h.declaration : '')));
  }
  async function openHop(h) {
    tab('detail');
    const box = clear($('tab-detail'));
    box.appendChild(el('h2', {}, 'Hop ' + h.hop + ': ' + h.shipper_name + ' \u2192 ' + h.consignee_name));
    box.appendChild(declBlock({ ...h, id: h.shipment, partner: null }));
    try {
      const r = await api('/api/shipments/' + encodeURIComponent(h.shipment));
      box.appendChild(el('div', { class: 'src' }, 'file sha256 ' + r.shipment.source_sha256));
      const others = await api('/api/entities/' + encodeURIComponent(h.shipper) + '/shipments', [['partner', h.consignee], ['limit', 50]]);
      const more = others.shipments.filter((s) => s.direction === 'out' && s.id !== h.shipment);
      if (more.length) {
        box.appendChild(el('h3', {}, 'Other declarations on this hop (newest first)'));
        for (const s of more) box.appendChild(declBlock(s));
      }
    } catch (e) { box.appendChild(el('p', { class: 'err' }, e.message)); }
  }
  function drawRoute(route, quiet) {
    cy.elements('.route').removeClass('route');
    const ensure = (id, name, country) => { if (cy.getElementById(id).empty()) addNode({ id, name, country, lists: [], band: null }, null); };
    for (const h of route.hops) {
      ensure(h.shipper, h.shipper_name, h.shipper_country);
      ensure(h.consignee, h.consignee_name, h.consignee_country);
      const e = addEdge(h.shipper, h.consignee, { shipments: 1, value_usd: h.value_usd, first_date: h.date, last_date: h.date, hs: h.hs }, 'route');
      e.data('hop', h);
      for (const id of [h.shipper, h.consignee]) cy.getElementById(id).addClass('route');
    }
    S.route = { hops: route.hops.map((h) => ({ ...h })) };
    relabel();
    if (!quiet) { layout(); saveUrl(); }
    // Refresh labels (bands, lists) from the API.
    for (const id of route.entities || []) {
      api('/api/search', [['q', id], ['limit', 1]]).then((r) => { if (r.hits[0] && r.hits[0].id === id) cy.getElementById(id).data(nodeData(r.hits[0])); }).catch(() => {});
    }
  }
  function routeItem(r, title) {
    const chain = [r.hops[0].shipper_name].concat(r.hops.map((h) => h.consignee_name)).join(' \u2192 ');
    const box = el('div', { class: 'item' }, el('div', {}, el('b', {}, title), ' score ' + r.score + ', ' + r.hops.length + ' hop(s)'), el('div', { class: 'chain' }, chain));
    const hops = el('div', { hidden: true }, r.hops.map(hopLine), r.reasons.map((x) => el('div', { class: 'small' }, (x.points > 0 ? '+' : '') + x.points + ' ' + x.code + ' ' + x.detail)));
    box.addEventListener('click', (ev) => {
      if (hops.contains(ev.target)) return;
      document.querySelectorAll('#routes-out .item.on').forEach((x) => x.classList.remove('on'));
      box.classList.add('on');
      hops.hidden = false;
      drawRoute(r);
    });
    box.appendChild(hops);
    return box;
  }
  async function runRoutes(ev) {
    if (ev) ev.preventDefault();
    const out = clear($('routes-out'));
    out.appendChild(el('p', { class: 'muted' }, 'Searching ...'));
    const t0 = performance.now();
    let r;
    try { r = await api('/api/routes', routeParams()); } catch (e) { clear(out).appendChild(el('p', { class: 'err' }, e.message)); return; }
    clear(out);
    const st = r.stats;
    if (r.message) out.appendChild(el('p', {}, r.message));
    if (r.channels) {
      out.appendChild(el('p', {}, st.total_routes + ' route(s) in ' + st.total_channels + ' channel(s); showing ' + r.channels.length + ' (' + Math.round(performance.now() - t0) + ' ms)'));
      for (const c of r.channels) {
        const item = routeItem(c.best_route, 'Channel ' + c.rank);
        item.insertBefore(el('div', { class: 'small muted' }, c.routes + ' route(s) \u00b7 HS ' + c.hs + ' \u00b7 ' + c.first_date + ' .. ' + c.last_date + ' \u00b7 shipped ' + usd(c.value_shipped) + ', delivered ' + usd(c.value_delivered)), item.children[1]);
        out.appendChild(item);
      }
    } else {
      out.appendChild(el('p', {}, st.total_routes + ' route(s); showing ' + r.routes.length));
      for (const x of r.routes) out.appendChild(routeItem(x, 'Route ' + x.rank));
    }
  }
  async function explainSelected() {
    const sel = cy.nodes(':selected').filter((n) => !n.hasClass('more'));
    const out = clear($('routes-out'));
    if (sel.length !== 2) { out.appendChild(el('p', { class: 'err' }, 'Select exactly two parties on the chart (shift-click or drag a box), then ask.')); return; }
    const [a, b] = [sel[0].id(), sel[1].id()];
    const p = routeParams().filter(([k]) => !['from', 'to', 'group', 'limit'].includes(k));
    try {
      const r = await api('/api/routes', [['from', 'entity:' + a], ['to', 'entity:' + b], ['explain', 'true'], ...p]);
      out.appendChild(el('h3', {}, 'From ' + sel[0].data('name') + ' to ' + sel[1].data('name') + ': ' + r.finding.replace(/_/g, ' ')));
      out.appendChild(el('p', {}, r.message));
      for (const c of r.chains) {
        out.appendChild(el('div', { class: 'item' }, el('div', { class: 'chain' }, c.entity_names.join(' \u2192 ')),
          el('div', {}, 'breaks at hop ' + c.hop + ' (' + c.constraint + '): ' + c.detail),
          el('div', { class: 'small muted' }, 'arrived: ' + c.arrived.join(', ') + ' \u00b7 left: ' + c.left.join(', '))));
      }
    } catch (e) { out.appendChild(el('p', { class: 'err' }, e.message)); }
  }

  // ---- analyst decisions (only when the server allows edits) ----
  async function decide(decision, a, b) {
    const token = $('token').value.trim();
    if (!token) { tab('view'); $('token').focus(); status('Paste the edit token the server printed at start-up (View tab), then try again', true); return; }
    status((decision === 'merge' ? 'Merging ' : 'Splitting ') + a + ' and ' + b + ' (the case is resolved again) ...');
    let r;
    try {
      const res = await fetch('/api/decisions', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Divtrace-Token': token },
        body: JSON.stringify({ decision, a, b, note: $('note').value }) });
      r = await res.json().catch(() => ({ message: 'unreadable answer (' + res.status + ')' }));
      if (!res.ok) throw new Error((r.parameter ? r.parameter + ': ' : '') + r.message);
    } catch (e) { status(e.message, true); return; }
    $('note').value = '';
    info = await api('/api/info');
    // Party ids may change with the resolution: pin the parties as now resolved and redraw.
    const keep = new Set(S.pinned.concat(Object.keys(S.expanded)));
    S.pinned = [...keep].filter((id) => id !== a && id !== b);
    for (const c of [r.party_a, r.party_b]) if (c && !S.pinned.includes(c.id)) S.pinned.push(c.id);
    S.expanded = {}; S.route = null;
    await rebuild();
    if (r.party_a) openEntity(r.party_a.id);
    status((decision === 'merge' ? 'Merged: ' : 'Split: ') + a + ' and ' + b + (r.same_party ? ' are now one party, ' + r.party_a.id : ' are now separate parties') + ' (' + fmt(r.entities) + ' parties in the case)');
  }
  function decideSelected(decision) {
    const sel = cy.nodes(':selected').filter((n) => !n.hasClass('more'));
    if (sel.length !== 2) { status('Select exactly two parties on the chart (shift-click or drag a box)', true); return; }
    decide(decision, sel[0].id(), sel[1].id());
  }

  // ---- keep and share ----
  function download(name, blob) {
    const a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.appendChild(a); a.click(); a.remove();
  }
  function snapshot() {
    const positions = {};
    cy.nodes().forEach((n) => { positions[n.id()] = n.position(); });
    return { format: 'divtrace-view/1', case_file: info.case_file, generation: info.generation, tool_version: info.tool_version, state: S, positions };
  }
  async function loadSnapshot(file) {
    try {
      const snap = JSON.parse(await file.text());
      if (snap.format !== 'divtrace-view/1') throw new Error('not a divtrace view snapshot');
      await restore(snap.state);
      cy.nodes().forEach((n) => { const p = snap.positions && snap.positions[n.id()]; if (p) n.position(p); });
      cy.fit(undefined, 40);
      status('Snapshot opened' + (snap.case_file !== info.case_file ? ' (saved from case ' + snap.case_file + ')' : ''));
    } catch (e) { status('snapshot: ' + e.message, true); }
  }
  function exportView(format) {
    const ids = cy.nodes().filter((n) => !n.hasClass('more')).map((n) => n.id());
    if (!ids.length) { status('The chart is empty: nothing to export', true); return; }
    const u = new URL('/api/export', location.origin);
    u.searchParams.set('format', format);
    u.searchParams.set('nodes', ids.join(','));
    for (const [k, v] of filterParams()) u.searchParams.set(k, v);
    fetch(u).then(async (r) => {
      if (!r.ok) { const b = await r.json().catch(() => ({})); throw new Error(b.message || r.statusText); }
      download('divtrace-view.' + format, await r.blob());
      status('Exported ' + ids.length + ' parties as ' + format.toUpperCase());
    }).catch((e) => status(e.message, true));
  }
  async function restore(state) {
    restoring = true;
    try {
      S.pinned = state.pinned || []; S.expanded = state.expanded || {}; S.filters = state.filters || {}; S.route = state.route || null; S.selected = state.selected || null;
      writeFilters(S.filters);
      await rebuild();
      if (S.selected) openEntity(S.selected);
    } finally { restoring = false; saveUrl(); }
  }

  function tab(name) {
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('on', b.dataset.tab === name);
    for (const s of document.querySelectorAll('#side section')) s.hidden = s.id !== 'tab-' + name;
  }

  function legend() {
    const box = clear($('legend'));
    box.appendChild(el('h3', {}, 'Legend'));
    for (const [b, c] of Object.entries(BAND_FILL)) box.appendChild(el('div', {}, el('span', { class: 'band ' + b }, b), ' risk band fill'));
    box.appendChild(el('div', { class: 'listed' }, 'red outline: on a screening list'));
    box.appendChild(el('div', {}, 'arrow: shipments folded per direction, labelled count \u00d7 value and first .. last date (on a busy canvas, for the route drawn and the selected or hovered party); red: the route drawn'));
  }

  const EDGE_LABELS_ALL = 12;
  function relabel() {
    const edges = cy.edges().not('.more');
    const all = edges.length <= EDGE_LABELS_ALL;
    cy.batch(() => edges.forEach((e) => {
      const on = all || e.hasClass('route') || e.selected() || e.hasClass('hover') ||
        e.source().selected() || e.target().selected() || e.source().hasClass('hover') || e.target().hasClass('hover');
      e.toggleClass('labelled', on);
    }));
  }

  async function main() {
    cy = cytoscape({
      container: $('cy'),
      boxSelectionEnabled: true,
      style: [
        { selector: 'node', style: { 'background-color': 'data(fill)', label: 'data(label)', 'text-wrap': 'wrap', 'text-max-width': 160, 'font-size': 10,
          'text-valign': 'bottom', 'text-margin-y': 3, shape: 'round-rectangle', width: 26, height: 26, 'border-width': 1, 'border-color': '#667', 'min-zoomed-font-size': 7 } },
        { selector: 'node[listed = 1]', style: { 'border-width': 4, 'border-color': '#b00000' } },
        { selector: 'node.more', style: { shape: 'tag', 'background-color': '#f5f5f5', 'border-style': 'dashed', color: '#335' } },
        { selector: 'node:selected', style: { 'overlay-color': '#24323f', 'overlay-opacity': 0.2 } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': '#8a8f99', 'target-arrow-color': '#8a8f99', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier',
          'font-size': 8, 'text-wrap': 'wrap', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8, color: '#444', 'min-zoomed-font-size': 6 } },
        { selector: 'edge.labelled', style: { label: 'data(label)' } },
        { selector: 'edge.more', style: { 'line-style': 'dashed', 'target-arrow-shape': 'none', width: 1 } },
        { selector: 'edge.route', style: { 'line-color': '#b00000', 'target-arrow-color': '#b00000', width: 4, color: '#700000' } },
        { selector: 'node.route', style: { 'border-color': '#b00000', 'border-width': 3 } },
        { selector: 'edge:selected', style: { 'line-color': '#24323f', 'target-arrow-color': '#24323f' } },
      ],
    });
    // Edge labels (count x value, dates) are written along each edge: a hub's
    // twenty make a knot of overlapping text at its centre. So with more than
    // EDGE_LABELS_ALL edges on the canvas only the drawn route's, the selected
    // parties' and the hovered ones' are written; the rest say it on hover/tap.
    let relabelTimer = null;
    const relabelSoon = () => { clearTimeout(relabelTimer); relabelTimer = setTimeout(relabel, 0); };
    cy.on('add remove select unselect', relabelSoon);
    cy.on('mouseover', 'node, edge', (ev) => { ev.target.addClass('hover'); relabel(); });
    cy.on('mouseout', 'node, edge', (ev) => { ev.target.removeClass('hover'); relabel(); });
    cy.on('tap', 'node', (ev) => {
      const n = ev.target;
      if (n.hasClass('more')) { const id = n.data('more'); expand(id, (S.expanded[id] || 1) + 1).catch((e) => status(e.message, true)); return; }
      openEntity(n.id());
    });
    cy.on('dbltap', 'node', (ev) => { const n = ev.target; if (!n.hasClass('more')) expand(n.id(), (S.expanded[n.id()] || 0) + 1).catch((e) => status(e.message, true)); });
    cy.on('tap', 'edge', (ev) => {
      const e = ev.target;
      if (e.hasClass('more')) return;
      if (e.data('hop')) openHop(e.data('hop')); else openEdge(e);
    });

    info = await api('/api/info');
    $('case').textContent = (info.case_file || '') + ' \u00b7 ' + fmt(info.entities) + ' parties \u00b7 ' + fmt(info.shipments) + ' shipments \u00b7 ' + (info.first_date || '') + ' .. ' + (info.last_date || '') + (info.edits ? ' \u00b7 edits allowed' : ' \u00b7 read-only');
    months = monthList(info.first_date, info.last_date);
    for (const id of ['since', 'until']) { $(id).max = Math.max(0, months.length - 1); }
    $('until').value = Math.max(0, months.length - 1);
    showSlider();
    for (const c of info.countries) $('country').appendChild(el('option', { value: c.country }, c.country + ' ' + (c.name || '')));
    legend();
    if (info.edits) {
      $('edits').hidden = false;
      $('merge').addEventListener('click', () => decideSelected('merge'));
      $('split').addEventListener('click', () => decideSelected('split'));
    }

    $('q').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(doSearch, 150); });
    $('q').addEventListener('keydown', (ev) => {
      const items = [...$('hits').children];
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        hitsSel = Math.max(0, Math.min(items.length - 1, hitsSel + (ev.key === 'ArrowDown' ? 1 : -1)));
        items.forEach((li, i) => li.classList.toggle('sel', i === hitsSel));
      } else if (ev.key === 'Enter') {
        const li = items[Math.max(0, hitsSel)]; if (li) li.click(); else doSearch();
      } else if (ev.key === 'Escape') showHits([]);
    });
    for (const id of ['since', 'until']) $(id).addEventListener('input', showSlider);
    const applyFilters = () => { S.filters = readFilters(); rebuild().then(() => status('Filters applied: ' + (Object.entries(S.filters).map(([k, v]) => k + ' ' + v).join(', ') || 'none'))); };
    for (const id of ['since', 'until', 'goods', 'country']) $(id).addEventListener('change', applyFilters);
    $('apply').addEventListener('click', applyFilters);
    $('hs').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') applyFilters(); });
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
    $('routes-form').addEventListener('submit', runRoutes);
    $('explain').addEventListener('click', explainSelected);
    $('copy-link').addEventListener('click', () => { saveUrl(); navigator.clipboard.writeText(location.href).then(() => status('Link copied'), () => status('Copy the address bar to share this view')); });
    $('save-snap').addEventListener('click', () => download('divtrace-view.json', new Blob([JSON.stringify(snapshot(), null, 1)], { type: 'application/json' })));
    $('load-snap').addEventListener('change', (ev) => { if (ev.target.files[0]) loadSnapshot(ev.target.files[0]); });
    for (const b of document.querySelectorAll('[data-export]')) b.addEventListener('click', () => exportView(b.dataset.export));
    $('clear').addEventListener('click', () => { S.pinned = []; S.expanded = {}; S.route = null; S.selected = null; cy.elements().remove(); saveUrl(); });
    window.addEventListener('resize', () => cy.resize());

    if (location.hash.length > 1) {
      try { await restore(JSON.parse(decodeURIComponent(location.hash.slice(1)))); } catch (e) { status('could not reopen the view in the address: ' + e.message, true); }
    }
    // For scripted checks (tests/browser): the chart and the view state, read-only by convention.
    window.divtrace = { cy, state: S };
    document.body.dataset.ready = '1';
    status('Ready: ' + fmt(info.entities) + ' parties, ' + fmt(info.shipments) + ' shipments' + (info.risk === 'pending' ? ' (risk assessment running)' : ''));
  }

  document.addEventListener('DOMContentLoaded', () => { main().catch((e) => status(e.message, true)); });
})();
