
(function () {
  'use strict';

  // ------------------------------------------------------------------ data
  var D = JSON.parse(document.getElementById('corral-data').textContent);
  var OUTCOMES = ['pass', 'fail', 'error', 'warn', 'info', 'skip', 'pending'];
  var WORST_FIRST = { error: 0, fail: 1, warn: 2, pending: 3, info: 4, skip: 5, pass: 6 };
  var ROW_H = 34;
  var multiTarget = D.targets.length > 1;

  // one entry per test, with what filtering and sorting need precomputed
  var T = D.tests.map(function (t, i) {
    var f = t.attempts[t.attempts.length - 1];
    var machines = [];
    t.attempts.forEach(function (a) { if (a.machine >= 0 && machines.indexOf(a.machine) < 0) machines.push(a.machine); });
    var text = [t.name, D.targets[t.target]].concat(f.notes, t.tags,
      machines.map(function (m) { return D.machines[m]; })).join('\n').toLowerCase();
    return { i: i, t: t, f: f, dur: f.end - f.start, outcome: f.outcome, machines: machines, text: text,
      lname: t.name.toLowerCase() };
  });

  // ------------------------------------------------------------------ helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function pad(n, w) { n = String(n); while (n.length < (w || 2)) n = '0' + n; return n; }
  function fmtDur(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) return '';
    if (ms < 0) ms = 0;
    if (ms < 1000) return Math.round(ms) + ' ms';
    var s = ms / 1000;
    if (s < 10) return s.toFixed(1) + ' s';
    if (s < 60) return Math.round(s) + ' s';
    var m = Math.floor(s / 60); s = Math.round(s - m * 60);
    if (s === 60) { m++; s = 0; }
    if (m < 60) return m + ' m ' + pad(s) + ' s';
    var h = Math.floor(m / 60); m = m - h * 60;
    return h + ' h ' + pad(m) + ' m';
  }
  function fmtDate(ms) {
    if (ms === null || ms === undefined) return '';
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + fmtClock(ms);
  }
  function fmtClock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function fmtBytes(b) {
    if (b < 1024) return b + ' B';
    if (b < 1024 * 1024) return (b / 1024).toFixed(b < 10240 ? 1 : 0) + ' KiB';
    if (b < 1024 * 1024 * 1024) return (b / 1048576).toFixed(1) + ' MiB';
    return (b / 1073741824).toFixed(2) + ' GiB';
  }
  function pct(x) { return Math.round(x * 100) + '%'; }
  function badge(outcome) { return el('span', 'badge o-' + outcome, outcome); }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  // a relative link to a file in the results directory, every path segment percent-encoded
  function href(path) {
    var segs = String(path).split('/').map(encodeURIComponent).join('/');
    if (/^file:/.test(D.base)) return D.base + segs;
    return D.base.split('/').map(encodeURIComponent).join('/') + segs;
  }
  function link(path, text) {
    var a = el('a', null, text || path);
    a.href = href(path);
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }
  function splitName(name) {
    var k = name.lastIndexOf('/');
    return k <= 0 ? ['', name] : [name.slice(0, k + 1), name.slice(k + 1)];
  }
  function outcomeColor(o) {
    return { pass: '#1a7f37', fail: '#cf222e', error: '#b54708', warn: '#d4a106', info: '#0969da', skip: '#8c959f',
      pending: '#8250df' }[o] || '#8c959f';
  }

  // ------------------------------------------------------------------ header and summary
  var finals = T.map(function (x) { return x.f; });
  var attemptsCount = D.tests.reduce(function (s, t) { return s + t.attempts.length; }, 0);
  var testTime = D.tests.reduce(function (s, t) {
    return s + t.attempts.reduce(function (a, x) { return a + (x.end - x.start); }, 0);
  }, 0);
  var counts = {};
  OUTCOMES.forEach(function (o) { counts[o] = 0; });
  finals.forEach(function (f) { counts[f.outcome]++; });
  var wall = D.run && D.run.end ? D.run.end - D.run.start : D.timeline.end - D.timeline.start;
  var failing = counts.fail + counts.error + counts.warn + counts.pending;

  (function header() {
    var id = D.run ? D.run.id : D.dir;
    document.getElementById('run-id').textContent = id;
    var st = document.getElementById('run-status');
    if (D.run) { st.textContent = D.run.status; st.className = 'pill ' + D.run.status; } else { st.hidden = true; }
    var meta = [];
    if (D.run) meta.push('started ' + fmtDate(D.run.start));
    meta.push((D.run && !D.run.end ? 'running for ' : 'took ') + fmtDur(wall));
    if (D.run && D.run.version) meta.push('corral ' + D.run.version);
    if (D.run) {
      var ctx = Object.keys(D.run.context).map(function (k) { return k + '=' + D.run.context[k].join(','); });
      if (ctx.length) meta.push('context ' + ctx.join(' '));
    }
    document.getElementById('run-meta').textContent = meta.join('  ·  ');
    document.title = (failing ? failing + ' failing · ' : '') + id + ' · Corral';
    document.getElementById('foot').textContent = 'Generated ' + fmtDate(D.generated) + ' by Corral from ' + D.dir +
      '/results.jsonl';
  })();

  (function summary() {
    var cards = document.getElementById('outcome-cards');
    var total = el('button', 'ocard total');
    total.type = 'button';
    add(total, el('span', 'num', T.length), el('span', 'lbl', 'tests'));
    total.addEventListener('click', function () { setOutcomes([]); scrollToTests(); });
    cards.appendChild(total);
    OUTCOMES.forEach(function (o) {
      if (!counts[o] && o !== 'pass' && o !== 'fail') return;
      var c = el('button', 'ocard o-' + o + (counts[o] ? '' : ' zero'));
      c.type = 'button';
      c.setAttribute('data-outcome-count', o);
      add(c, el('span', 'num', counts[o]), el('span', 'lbl', o));
      c.addEventListener('click', function () { setOutcomes([o]); scrollToTests(); });
      cards.appendChild(c);
    });
    var bar = document.getElementById('stackbar');
    OUTCOMES.forEach(function (o) {
      if (!counts[o]) return;
      var s = el('span', 'o-' + o);
      s.style.width = (100 * counts[o] / T.length) + '%';
      s.style.background = outcomeColor(o);
      s.title = counts[o] + ' ' + o;
      bar.appendChild(s);
    });
    if (!T.length) bar.hidden = true;

    var stats = document.getElementById('stats');
    function stat(k, v, small) {
      var s = el('div', 'stat');
      var val = el('div', 'v', v);
      if (small) add(val, document.createTextNode(' '), el('small', null, small));
      add(s, el('div', 'k', k), val);
      stats.appendChild(s);
      return s;
    }
    var reruns = attemptsCount - T.length;
    stat('Attempts', attemptsCount, reruns ? plural(reruns, 'rerun') : null);
    stat('Wall time', fmtDur(wall));
    stat('Test time', fmtDur(testTime), wall > 0 ? '×' + (testTime / wall).toFixed(1) + ' parallel' : null);
    stat('Machines', D.machines.length);
    var tl = D.timeline;
    if (tl.lanes.length) stat('Pool busy', pct(tl.utilisation), 'of ' + fmtDur(tl.available) + ' machine time')
      .id = 'pool-busy';

    var table = document.getElementById('targets');
    var present = OUTCOMES.filter(function (o) { return counts[o] > 0; });
    var hr = el('tr');
    add(hr, el('th', null, 'Target'), el('th', null, 'Tests'));
    present.forEach(function (o) { hr.appendChild(el('th', null, o)); });
    add(hr, el('th', null, 'Test time'), el('th', null, 'Machines'));
    add(table, add(el('thead'), hr));
    var body = el('tbody');
    D.targets.forEach(function (name, ti) {
      var rows = T.filter(function (x) { return x.t.target === ti; });
      if (!rows.length) return;
      var tr = el('tr');
      tr.setAttribute('data-target', name);
      add(tr, el('td', 'mono', name), el('td', null, rows.length));
      present.forEach(function (o) {
        var n = rows.filter(function (x) { return x.outcome === o; }).length;
        tr.appendChild(el('td', n ? 'ctext o-' + o : 'z', n));
      });
      var time = 0, ms = {};
      rows.forEach(function (x) {
        x.t.attempts.forEach(function (a) { time += a.end - a.start; if (a.machine >= 0) ms[a.machine] = 1; });
      });
      add(tr, el('td', null, fmtDur(time)), el('td', null, Object.keys(ms).length));
      body.appendChild(tr);
    });
    table.appendChild(body);
  })();

  // ------------------------------------------------------------------ sparkline
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  // earlier runs' durations plus this run's, oldest first
  function trendPoints(x) {
    var pts = x.t.hist.map(function (h) {
      var run = D.history[h[0]];
      return { ms: h[1], outcome: h[2], label: run ? run.id : '' };
    });
    pts.push({ ms: x.dur, outcome: x.outcome, label: 'this run', current: true });
    return pts;
  }
  function spark(pts, w, h, big) {
    var s = svg('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, 'class': 'spark' });
    if (pts.length < 2) return s;
    var max = 0;
    pts.forEach(function (p) { if (p.ms > max) max = p.ms; });
    if (max <= 0) max = 1;
    var r = big ? 3 : 2, padX = r + 1, padY = r + 1;
    var step = (w - 2 * padX) / (pts.length - 1);
    var xy = pts.map(function (p, k) {
      return [padX + k * step, h - padY - (h - 2 * padY) * p.ms / max];
    });
    s.appendChild(svg('polyline', { points: xy.map(function (q) { return q[0].toFixed(1) + ',' + q[1].toFixed(1); }).join(' '),
      fill: 'none', stroke: '#8c959f', 'stroke-width': big ? 1.5 : 1.2, 'stroke-linejoin': 'round' }));
    xy.forEach(function (q, k) {
      var p = pts[k];
      if (!big && !p.current && p.outcome === 'pass') return;
      s.appendChild(svg('circle', { cx: q[0], cy: q[1], r: p.current ? r + 0.5 : r - 0.3, fill: outcomeColor(p.outcome) }));
    });
    var title = svg('title', {});
    title.textContent = pts.map(function (p) { return p.label + ': ' + fmtDur(p.ms) + ' ' + p.outcome; }).join('\n');
    s.appendChild(title);
    return s;
  }

  // ------------------------------------------------------------------ filters and table
  var state = { outcomes: [], target: -1, machine: -1, tag: '', text: '', sort: null, dir: 1 };
  var view = T.slice();
  var selected = -1;

  var cols = [
    { key: 'outcome', label: 'Result', w: '74px' },
    { key: 'name', label: 'Test', w: 'minmax(220px, 3fr)' },
    { key: 'target', label: 'Target', w: 'minmax(80px, 130px)', when: multiTarget },
    { key: 'machine', label: 'Machine', w: 'minmax(80px, 150px)' },
    { key: 'duration', label: 'Duration', w: '84px', right: true },
    { key: null, label: 'Trend', w: '78px' },
    { key: null, label: 'Tries', w: '44px', right: true },
    { key: null, label: 'Notes', w: 'minmax(80px, 2fr)' }
  ].filter(function (c) { return c.when === undefined || c.when; });
  document.getElementById('tests-section').style.setProperty('--cols', cols.map(function (c) { return c.w; }).join(' '));

  var thead = document.getElementById('thead');
  cols.forEach(function (c) {
    var h = el('div', 'h' + (c.key ? '' : ' nosort') + (c.right ? ' r' : ''), c.label);
    if (c.key) {
      h.setAttribute('data-sort', c.key);
      h.setAttribute('role', 'button');
      h.addEventListener('click', function () { setSort(c.key); });
    }
    thead.appendChild(h);
  });

  var chips = document.getElementById('chips');
  OUTCOMES.forEach(function (o) {
    if (!counts[o]) return;
    var c = el('button', 'chip o-' + o);
    c.type = 'button';
    c.setAttribute('data-outcome', o);
    add(c, document.createTextNode(o), el('span', 'n', counts[o]));
    c.addEventListener('click', function () {
      var k = state.outcomes.indexOf(o);
      var next = state.outcomes.slice();
      if (k >= 0) next.splice(k, 1); else next.push(o);
      setOutcomes(next);
    });
    chips.appendChild(c);
  });

  function fillSelect(id, all, values, onChange) {
    var s = document.getElementById(id);
    var o0 = el('option', null, all); o0.value = '';
    s.appendChild(o0);
    values.forEach(function (v) { var o = el('option', null, v[1]); o.value = String(v[0]); s.appendChild(o); });
    if (values.length < 2) s.hidden = true;
    s.addEventListener('change', function () { onChange(s.value); });
    return s;
  }
  var fTarget = fillSelect('f-target', 'All targets', D.targets.map(function (t, i) { return [i, t]; }), function (v) {
    state.target = v === '' ? -1 : +v; refresh();
  });
  var fMachine = fillSelect('f-machine', 'All machines', D.machines.map(function (m, i) { return [i, m]; })
    .sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; }), function (v) {
    state.machine = v === '' ? -1 : +v; refresh();
  });
  var tagSet = {};
  D.tests.forEach(function (t) { t.tags.forEach(function (g) { tagSet[g] = (tagSet[g] || 0) + 1; }); });
  var fTag = fillSelect('f-tag', 'All tags', Object.keys(tagSet).sort().map(function (g) { return [g, g + ' (' + tagSet[g] + ')']; }),
    function (v) { state.tag = v; refresh(); });
  if (Object.keys(tagSet).length === 1) fTag.hidden = false;

  var search = document.getElementById('search');
  var searchTimer = 0;
  search.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { state.text = search.value; refresh(); }, T.length > 2000 ? 150 : 40);
  });
  document.getElementById('reset').addEventListener('click', function () {
    search.value = ''; fTarget.value = ''; fMachine.value = ''; fTag.value = '';
    state = { outcomes: [], target: -1, machine: -1, tag: '', text: '', sort: null, dir: 1 };
    refresh();
  });

  function setOutcomes(list) { state.outcomes = list; refresh(); }
  function setSort(key) {
    if (state.sort === key) state.dir = -state.dir;
    else { state.sort = key; state.dir = key === 'duration' ? -1 : 1; }
    refresh();
  }
  function scrollToTests() { document.getElementById('tests-section').scrollIntoView({ block: 'start' }); }

  function matches(x) {
    if (state.outcomes.length && state.outcomes.indexOf(x.outcome) < 0) return false;
    if (state.target >= 0 && x.t.target !== state.target) return false;
    if (state.machine >= 0 && x.machines.indexOf(state.machine) < 0) return false;
    if (state.tag && x.t.tags.indexOf(state.tag) < 0) return false;
    return true;
  }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function refresh() {
    var terms = state.text.toLowerCase().split(/\s+/).filter(Boolean);
    view = T.filter(function (x) {
      if (!matches(x)) return false;
      for (var k = 0; k < terms.length; k++) if (x.text.indexOf(terms[k]) < 0) return false;
      return true;
    });
    var d = state.dir;
    if (state.sort === 'name') view.sort(function (a, b) { return d * cmp(a.lname, b.lname) || a.i - b.i; });
    else if (state.sort === 'duration') view.sort(function (a, b) { return d * (a.dur - b.dur) || a.i - b.i; });
    else if (state.sort === 'outcome') view.sort(function (a, b) {
      return d * (WORST_FIRST[a.outcome] - WORST_FIRST[b.outcome]) || cmp(a.lname, b.lname) || a.i - b.i;
    });
    else if (state.sort === 'machine') view.sort(function (a, b) {
      return d * cmp(a.f.machine < 0 ? '' : D.machines[a.f.machine], b.f.machine < 0 ? '' : D.machines[b.f.machine]) || a.i - b.i;
    });
    else if (state.sort === 'target') view.sort(function (a, b) { return d * (a.t.target - b.t.target) || a.i - b.i; });

    thead.querySelectorAll('[data-sort]').forEach(function (h) {
      if (h.getAttribute('data-sort') === state.sort) h.setAttribute('aria-sort', d > 0 ? 'ascending' : 'descending');
      else h.removeAttribute('aria-sort');
    });
    chips.querySelectorAll('.chip').forEach(function (c) {
      c.classList.toggle('on', state.outcomes.indexOf(c.getAttribute('data-outcome')) >= 0);
    });
    var shown = document.getElementById('shown');
    shown.textContent = view.length === T.length ? plural(T.length, 'test') : 'showing ' + view.length + ' of ' + T.length;
    shown.setAttribute('data-count', view.length);
    document.getElementById('empty').hidden = view.length > 0 || T.length === 0;
    spacer.style.height = (view.length * ROW_H) + 'px';
    tbody.scrollTop = 0;
    renderRows();
    drawTimeline();
  }

  var tbody = document.getElementById('tbody');
  var spacer = document.getElementById('spacer');
  var rendered = [];
  var rowsFrame = 0;
  tbody.addEventListener('scroll', function () {
    if (!rowsFrame) rowsFrame = requestAnimationFrame(function () { rowsFrame = 0; renderRows(); });
  });

  // only the rows in (and just around) the visible part of the list exist in the DOM
  function renderRows() {
    var h = tbody.clientHeight || 600;
    var first = Math.max(0, Math.floor(tbody.scrollTop / ROW_H) - 6);
    var last = Math.min(view.length, Math.ceil((tbody.scrollTop + h) / ROW_H) + 6);
    rendered.forEach(function (r) { tbody.removeChild(r); });
    rendered = [];
    var frag = document.createDocumentFragment();
    for (var k = first; k < last; k++) {
      var r = row(view[k], k);
      rendered.push(r);
      frag.appendChild(r);
    }
    tbody.appendChild(frag);
  }

  function row(x, k) {
    var r = el('div', 'grid vrow' + (x.i === selected ? ' sel' : ''));
    r.style.top = (k * ROW_H) + 'px';
    r.setAttribute('data-i', x.i);
    r.setAttribute('data-outcome', x.outcome);
    cols.forEach(function (c) {
      var cell;
      switch (c.label) {
        case 'Result': cell = add(el('div'), badge(x.outcome)); break;
        case 'Test': {
          var parts = splitName(x.t.name);
          cell = add(el('div', 'nm'), el('span', 'dir', parts[0]), el('span', null, parts[1]));
          cell.title = x.t.name;
          break;
        }
        case 'Target': cell = el('div', 'tg', D.targets[x.t.target]); break;
        case 'Machine': cell = el('div', 'mc', x.f.machine >= 0 ? D.machines[x.f.machine] : ''); break;
        case 'Duration': cell = el('div', 'dur r', fmtDur(x.dur)); cell.setAttribute('data-ms', x.dur); break;
        case 'Trend': cell = add(el('div'), x.t.hist.length ? spark(trendPoints(x), 70, 18, false) : null); break;
        case 'Tries': cell = el('div', 'r' + (x.t.attempts.length > 1 ? ' att' : ''),
          x.t.attempts.length > 1 ? x.t.attempts.length : ''); break;
        default: {
          var notes = x.f.notes.slice();
          if (x.t.tags.length) notes.push('#' + x.t.tags.join(' #'));
          cell = el('div', 'notes', notes.join(' · '));
          cell.title = notes.join('\n');
        }
      }
      r.appendChild(cell);
    });
    r.addEventListener('click', function () { openDetail(x.i); });
    return r;
  }

  // ------------------------------------------------------------------ timeline
  var TL = D.timeline;
  var LABEL_W = 190, BAR_H = 12, ROW_GAP = 2, LANE_PAD = 4;
  var lanesEl = document.getElementById('timeline');
  var canvases = [];
  var barsByLane = TL.lanes.map(function () { return []; });
  T.forEach(function (x) {
    x.t.attempts.forEach(function (a) { if (a.lane >= 0) barsByLane[a.lane].push({ x: x, a: a }); });
  });
  barsByLane.forEach(function (bars) { bars.sort(function (p, q) { return p.a.start - q.a.start; }); });

  (function timelineSkeleton() {
    var section = document.getElementById('timeline-section');
    if (!TL.lanes.length) {
      lanesEl.appendChild(el('div', 'empty', 'No test ran on a machine.'));
      return;
    }
    var util = document.getElementById('util');
    add(util, document.createTextNode('pool busy '), el('b', null, pct(TL.utilisation)),
      document.createTextNode(' of available machine time · ' + plural(TL.lanes.length, 'machine') + ' · ' +
        fmtDur(TL.end - TL.start)));
    util.setAttribute('data-utilisation', TL.utilisation);
    var legend = document.getElementById('legend');
    ['pass', 'fail', 'error', 'warn', 'info', 'skip'].forEach(function (o) {
      if (counts[o] || o === 'pass' || o === 'fail') add(legend, add(el('span'), el('i', 'o-' + o), document.createTextNode(o)));
    });
    add(legend, add(el('span'), el('i', 'prov'), document.createTextNode('provisioning')),
      add(el('span'), el('i', 'reboot'), document.createTextNode('reboot')),
      add(el('span'), el('i', 'avail'), document.createTextNode('available, idle')));
    var axis = add(el('div', 'axis'), el('div', 'lane-label'));
    var ac = el('canvas');
    ac.height = 20;
    axis.appendChild(ac);
    lanesEl.appendChild(axis);
    canvases.push({ canvas: ac, axis: true });
    TL.lanes.forEach(function (lane, li) {
      var row = el('div', 'lane');
      row.setAttribute('data-machine', D.machines[lane.machine]);
      var label = el('div', 'lane-label');
      var u = el('span', 'u', pct(lane.utilisation));
      u.title = 'busy ' + fmtDur(lane.busy) + ' of ' + fmtDur(lane.available) + ' available';
      add(label, u, el('span', 'm', D.machines[lane.machine]),
        el('span', 't', (multiTarget ? lane.target + ' · ' : '') + plural(barsByLane[li].length, 'attempt') +
          (lane.released && lane.released !== 'done' ? ' · ' + lane.released : '')));
      label.title = D.machines[lane.machine] + '\nready ' + fmtDate(lane.from) + '\nuntil ' + fmtDate(lane.until) +
        (lane.released ? '\nreleased: ' + lane.released : '');
      var c = el('canvas');
      c.height = laneHeight(lane);
      add(row, label, c);
      lanesEl.appendChild(row);
      canvases.push({ canvas: c, lane: li });
      c.addEventListener('mousemove', function (ev) { hover(ev, li, c); });
      c.addEventListener('mouseleave', function () { tooltip.hidden = true; });
      c.addEventListener('click', function (ev) {
        var hit = hitTest(ev, li, c);
        if (hit && hit.x) openDetail(hit.x.i);
      });
    });
    if (TL.failures.length) {
      var f = document.getElementById('failures');
      f.textContent = plural(TL.failures.length, 'provisioning failure') + ': ' + TL.failures.map(function (e) {
        return e.slot + ' (' + fmtClock(e.time) + (e.detail ? ', ' + e.detail : '') + ')';
      }).join('; ');
    }
    section.setAttribute('data-lanes', TL.lanes.length);
  })();

  function laneHeight(lane) { return LANE_PAD * 2 + lane.rows * BAR_H + (lane.rows - 1) * ROW_GAP; }
  function scaleX(w) {
    var span = Math.max(1, TL.end - TL.start);
    return function (t) { return (t - TL.start) / span * w; };
  }

  var hatch = null;
  function hatchPattern(ctx) {
    if (hatch) return hatch;
    var p = document.createElement('canvas');
    p.width = 6; p.height = 6;
    var g = p.getContext('2d');
    g.fillStyle = '#eaeef2'; g.fillRect(0, 0, 6, 6);
    g.strokeStyle = '#afb8c1'; g.lineWidth = 1.5;
    g.beginPath(); g.moveTo(0, 6); g.lineTo(6, 0); g.moveTo(-1, 1); g.lineTo(1, -1); g.moveTo(5, 7); g.lineTo(7, 5); g.stroke();
    hatch = ctx.createPattern(p, 'repeat');
    return hatch;
  }

  var filtered = null; // test indexes passing the filters, when any filter is active
  function drawTimeline() {
    if (!TL.lanes.length) return;
    var active = view.length !== T.length;
    filtered = null;
    if (active) { filtered = {}; view.forEach(function (x) { filtered[x.i] = 1; }); }
    var dpr = window.devicePixelRatio || 1;
    var width = Math.max(200, lanesEl.clientWidth - LABEL_W);
    var X = scaleX(width);
    canvases.forEach(function (entry) {
      var c = entry.canvas;
      var h = entry.axis ? 20 : laneHeight(TL.lanes[entry.lane]);
      c.width = Math.round(width * dpr); c.height = Math.round(h * dpr);
      c.style.width = width + 'px'; c.style.height = h + 'px';
      var ctx = c.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, h);
      if (entry.axis) { drawAxis(ctx, width, X); return; }
      var lane = TL.lanes[entry.lane];
      ctx.fillStyle = '#f0f3f6';
      ctx.fillRect(X(lane.from), 1, Math.max(1, X(lane.until) - X(lane.from)), h - 2);
      lane.spans.forEach(function (s) {
        if (s.kind !== 'provisioning') return;
        ctx.fillStyle = hatchPattern(ctx);
        ctx.fillRect(X(s.start), 2, Math.max(2, X(s.end) - X(s.start)), h - 4);
      });
      barsByLane[entry.lane].forEach(function (b) {
        var y = LANE_PAD + b.a.row * (BAR_H + ROW_GAP);
        var x0 = X(b.a.start), w = Math.max(1.5, X(b.a.end) - x0);
        ctx.globalAlpha = filtered && !filtered[b.x.i] ? 0.15 : 1;
        ctx.fillStyle = outcomeColor(b.a.outcome);
        ctx.fillRect(x0, y, w, BAR_H);
        if (w > 5) { ctx.fillStyle = 'rgba(255,255,255,.55)'; ctx.fillRect(x0 + w - 1, y, 1, BAR_H); }
      });
      ctx.globalAlpha = 1;
      lane.spans.forEach(function (s) {
        if (s.kind !== 'reboot') return;
        var x0 = X(s.start), w = s.end === null ? 3 : Math.max(3, X(s.end) - x0);
        ctx.fillStyle = '#3d4754';
        ctx.fillRect(x0, 1, w, h - 2);
      });
    });
  }

  function drawAxis(ctx, width, X) {
    var span = Math.max(1, TL.end - TL.start);
    var steps = [1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];
    var step = steps[steps.length - 1];
    for (var k = 0; k < steps.length; k++) if (span / steps[k] <= width / 90) { step = steps[k]; break; }
    ctx.font = '11px ' + getComputedStyle(document.body).fontFamily;
    ctx.fillStyle = '#59636e';
    ctx.strokeStyle = '#d1d9e0';
    ctx.textBaseline = 'top';
    for (var t = 0; t <= span + 1; t += step) {
      var x = X(TL.start + t);
      ctx.fillRect(x, 14, 1, 6);
      var label = '+' + fmtDur(t).replace(' 00 s', '').replace(' 00 m', '');
      if (t === 0) label = fmtClock(TL.start);
      var tw = ctx.measureText(label).width;
      if (x + tw + 2 <= width) ctx.fillText(label, Math.max(0, x + 2), 1);
    }
  }

  var tooltip = document.getElementById('tooltip');
  function hitTest(ev, li, c) {
    var rect = c.getBoundingClientRect();
    var px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    var X = scaleX(rect.width);
    var tol = (TL.end - TL.start) / Math.max(1, rect.width) * 2;
    var t = TL.start + px / rect.width * (TL.end - TL.start);
    var row = Math.floor((py - LANE_PAD) / (BAR_H + ROW_GAP));
    var lane = TL.lanes[li];
    var spans = lane.spans.filter(function (s) {
      return s.kind === 'reboot' && t >= s.start - tol && t <= (s.end === null ? s.start : s.end) + tol;
    });
    if (spans.length) return { span: spans[0] };
    var bars = barsByLane[li];
    // binary search for the last bar starting at or before t (+ tolerance), then look back
    var lo = 0, hi = bars.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (bars[mid].a.start <= t + tol) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    for (var k = found; k >= 0 && k > found - 400; k--) {
      var b = bars[k];
      if (b.a.row === row && b.a.end + tol >= t && X(b.a.start) - 2 <= px) return b;
    }
    spans = lane.spans.filter(function (s) { return s.kind === 'provisioning' && t >= s.start && t <= s.end; });
    if (spans.length) return { span: spans[0] };
    return null;
  }
  function hover(ev, li, c) {
    var hit = hitTest(ev, li, c);
    if (!hit) { tooltip.hidden = true; c.style.cursor = 'default'; return; }
    tooltip.textContent = '';
    if (hit.span) {
      var s = hit.span;
      add(tooltip, el('div', 'tn', s.kind === 'reboot' ? 'reboot' + (s.label ? ' for ' + s.label : '') : 'provisioning'),
        el('div', 'tm', fmtClock(s.start) + (s.end !== null ? ' – ' + fmtClock(s.end) + ' · ' + fmtDur(s.end - s.start) : ' · end not recorded')));
      c.style.cursor = 'default';
    } else {
      add(tooltip, el('div', 'tn', hit.x.t.name), el('div', 'tm', hit.a.outcome + ' · ' + fmtDur(hit.a.end - hit.a.start) +
        ' · ' + fmtClock(hit.a.start) + ' – ' + fmtClock(hit.a.end) + (hit.x.t.attempts.length > 1 ? ' · attempt ' + hit.a.attempt : '')));
      c.style.cursor = 'pointer';
    }
    tooltip.hidden = false;
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + tooltip.offsetWidth > window.innerWidth - 8) x = ev.clientX - tooltip.offsetWidth - 10;
    if (y + tooltip.offsetHeight > window.innerHeight - 8) y = ev.clientY - tooltip.offsetHeight - 10;
    tooltip.style.left = x + 'px'; tooltip.style.top = y + 'px';
  }

  // ------------------------------------------------------------------ detail drawer
  var detail = document.getElementById('detail');
  function kvTable(obj, fmt) {
    var keys = Object.keys(obj || {});
    if (!keys.length) return null;
    var t = el('table', 'kv');
    keys.forEach(function (k) {
      var v = obj[k];
      var text = fmt ? fmt(v) : (typeof v === 'string' ? v : JSON.stringify(v));
      add(t, add(el('tr'), el('td', null, k), el('td', 'mono', text)));
    });
    return t;
  }
  function fact(box, k, v) {
    if (v === null || v === undefined || v === '') return;
    box.appendChild(el('div', 'k', k));
    var cell = el('div', 'v');
    if (v instanceof Node) cell.appendChild(v); else cell.textContent = String(v);
    box.appendChild(cell);
  }

  function openDetail(i) {
    var x = T[i];
    selected = i;
    rendered.forEach(function (r) { r.classList.toggle('sel', +r.getAttribute('data-i') === i); });
    detail.textContent = '';
    detail.hidden = false;
    detail.setAttribute('data-i', i);
    var head = add(el('div', 'dhead'), badge(x.outcome), el('div', 'dn', x.t.name));
    var close = el('button', 'dclose', '\u00d7');
    close.type = 'button'; close.title = 'Close (Esc)';
    close.addEventListener('click', closeDetail);
    head.appendChild(close);
    detail.appendChild(head);

    var facts = el('div', 'facts');
    fact(facts, 'Duration', fmtDur(x.dur));
    fact(facts, 'Target', D.targets[x.t.target]);
    fact(facts, 'Started', fmtDate(x.f.start));
    fact(facts, 'Machine', x.f.machine >= 0 ? D.machines[x.f.machine] : 'none (did not run)');
    fact(facts, 'Finished', fmtDate(x.f.end));
    fact(facts, 'Serial', x.t.serial);
    fact(facts, 'Attempts', x.t.attempts.length > 1 ? x.t.attempts.length + ' (' +
      x.t.attempts.map(function (a) { return a.outcome; }).join(' → ') + ')' : null);
    fact(facts, 'Original result', x.f.orig && x.f.orig !== x.f.outcome ? x.f.orig : null);
    if (x.t.tags.length) {
      var tags = el('span');
      x.t.tags.forEach(function (g) { tags.appendChild(el('span', 'tag', g)); });
      fact(facts, 'Tags', tags);
    }
    var ids = Object.keys(x.t.ids).filter(function (k) { return x.t.ids[k]; });
    fact(facts, 'Id', ids.map(function (k) { return (k === 'id' ? '' : k + ': ') + x.t.ids[k]; }).join(', '));
    detail.appendChild(facts);

    if (x.f.notes.length) {
      detail.appendChild(el('h3', null, 'Notes'));
      var ul = el('ul', 'notes-list');
      x.f.notes.forEach(function (n) { ul.appendChild(el('li', null, n)); });
      detail.appendChild(ul);
    }

    var attemptBox = el('div');
    if (x.t.attempts.length > 1) {
      detail.appendChild(el('h3', null, 'Attempts'));
      var at = el('table', 'list');
      add(at, add(el('tr'), el('th', null, '#'), el('th', null, 'Result'), el('th', null, 'Machine'),
        el('th', null, 'Started'), el('th', null, 'Duration'), el('th', null, 'Notes')));
      x.t.attempts.forEach(function (a, k) {
        var tr = el('tr', 'pick' + (k === x.t.attempts.length - 1 ? ' cur' : ''));
        add(tr, el('td', 'num', a.attempt), add(el('td'), badge(a.outcome)),
          el('td', 'mono', a.machine >= 0 ? D.machines[a.machine] : ''), el('td', null, fmtDate(a.start)),
          el('td', 'num', fmtDur(a.end - a.start)), el('td', null, a.notes.join('; ')));
        tr.addEventListener('click', function () {
          at.querySelectorAll('tr.cur').forEach(function (r) { r.classList.remove('cur'); });
          tr.classList.add('cur');
          showAttempt(attemptBox, x, a);
        });
        at.appendChild(tr);
      });
      detail.appendChild(at);
    }
    detail.appendChild(attemptBox);
    showAttempt(attemptBox, x, x.f);

    if (x.t.hist.length) {
      detail.appendChild(el('h3', null, 'Duration, last ' + plural(x.t.hist.length + 1, 'run')));
      var pts = trendPoints(x);
      var sorted = pts.map(function (p) { return p.ms; }).sort(function (a, b) { return a - b; });
      var trend = add(el('div', 'trend'), spark(pts, 260, 44, true),
        el('div', null, 'min ' + fmtDur(sorted[0]) + ' · median ' + fmtDur(sorted[sorted.length >> 1]) +
          ' · max ' + fmtDur(sorted[sorted.length - 1])));
      detail.appendChild(trend);
    }


    var env = kvTable(x.t.env);
    if (env) { detail.appendChild(el('h3', null, 'Environment')); detail.appendChild(env); }
    var ctx = kvTable(x.t.context, function (v) { return v.join(', '); });
    if (ctx) { detail.appendChild(el('h3', null, 'Context')); detail.appendChild(ctx); }
    if (history.replaceState) {
      try { history.replaceState(null, '', '#test=' + i); } catch (e) { /* file URLs may refuse; harmless */ }
    }
  }

  function showAttempt(box, x, a) {
    box.textContent = '';
    box.appendChild(el('h3', null, 'Output' + (x.t.attempts.length > 1 ? ' of attempt ' + a.attempt : '')));
    var out = a.out;
    var head = el('div', 'outhead');
    var logPath = a.logs.length ? a.logs[0] : null;
    if (!out) {
      head.textContent = logPath ? 'output file not found: ' + logPath : 'no output recorded';
      box.appendChild(head);
    } else {
      add(head, el('span', null, (logPath ? logPath.split('/').pop() : 'output') + ' · ' + fmtBytes(out.size)));
      if (out.text !== undefined && out.from > 0) head.appendChild(el('span', null, 'showing the last ' + fmtBytes(out.size - out.from)));
      if (out.text === undefined) head.appendChild(el('span', null, 'too large to embed'));
      if (logPath) head.appendChild(link(logPath, out.text === undefined || out.from > 0 ? 'open the whole file' : 'open file'));
      var pre = el('pre', 'out');
      if (out.text !== undefined) {
        var wrap = el('label');
        var cb = el('input'); cb.type = 'checkbox';
        cb.addEventListener('change', function () { pre.classList.toggle('wrap', cb.checked); });
        add(wrap, cb, document.createTextNode(' wrap lines'));
        head.appendChild(wrap);
      }
      box.appendChild(head);
      if (out.text !== undefined) {
        pre.textContent = (out.from > 0 ? '[… ' + fmtBytes(out.from) + ' earlier output not shown …]\n' : '') + out.text;
        box.appendChild(pre);
        // the failure is usually at the end: show the end first
        requestAnimationFrame(function () { pre.scrollTop = pre.scrollHeight; });
      }
    }
    if (a.sub.length) {
      box.appendChild(el('h3', null, 'Subresults' + (x.t.attempts.length > 1 ? ' of attempt ' + a.attempt : '')));
      var st = el('table', 'list');
      add(st, add(el('tr'), el('th', null, 'Result'), el('th', null, 'Name'), el('th', null, 'Duration'), el('th', null, 'Notes')));
      a.sub.forEach(function (s) {
        var notes = add(el('td'), document.createTextNode(s.notes.join('; ')));
        s.logs.forEach(function (l) { notes.appendChild(document.createTextNode(' ')); notes.appendChild(link(l, l.split('/').pop())); });
        add(st, add(el('tr'), add(el('td'), badge(s.outcome)), el('td', 'mono', s.name),
          el('td', 'num', s.start !== null && s.end !== null ? fmtDur(s.end - s.start) : ''), notes));
      });
      box.appendChild(st);
    }
    var extra = kvTable(a.extra);
    if (extra) { box.appendChild(el('h3', null, 'Extra')); box.appendChild(extra); }

    var files = a.logs.slice(1);
    if (files.length || a.data) {
      box.appendChild(el('h3', null, 'Files'));
      var ul = el('ul', 'notes-list');
      files.forEach(function (l) { ul.appendChild(add(el('li'), link(l))); });
      if (a.data) ul.appendChild(add(el('li'), link(a.data + '/', 'test data directory: ' + a.data)));
      box.appendChild(ul);
    }
  }

  function closeDetail() {
    detail.hidden = true;
    selected = -1;
    rendered.forEach(function (r) { r.classList.remove('sel'); });
    if (history.replaceState) {
      try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* harmless */ }
    }
  }
  function step(delta) {
    var k = -1;
    for (var j = 0; j < view.length; j++) if (view[j].i === selected) { k = j; break; }
    var next = view[k + delta];
    if (!next) return;
    openDetail(next.i);
    var pos = (k + delta) * ROW_H;
    if (pos < tbody.scrollTop || pos > tbody.scrollTop + tbody.clientHeight - ROW_H) tbody.scrollTop = pos - 3 * ROW_H;
  }

  document.addEventListener('keydown', function (ev) {
    var typing = ev.target && (ev.target.tagName === 'INPUT' || ev.target.tagName === 'SELECT');
    if (ev.key === 'Escape') {
      if (!detail.hidden) closeDetail(); else if (typing) ev.target.blur();
    } else if (ev.key === '/' && !typing) {
      ev.preventDefault(); search.focus();
    } else if (!typing && !detail.hidden && (ev.key === 'j' || ev.key === 'ArrowDown')) {
      ev.preventDefault(); step(1);
    } else if (!typing && !detail.hidden && (ev.key === 'k' || ev.key === 'ArrowUp')) {
      ev.preventDefault(); step(-1);
    }
  });

  var resizeFrame = 0;
  window.addEventListener('resize', function () {
    if (!resizeFrame) resizeFrame = requestAnimationFrame(function () { resizeFrame = 0; drawTimeline(); renderRows(); });
  });

  // ------------------------------------------------------------------ start
  refresh();
  var m = /^#test=(\d+)$/.exec(location.hash);
  if (m && T[+m[1]]) openDetail(+m[1]);
  document.body.setAttribute('data-ready', '1');
})();
