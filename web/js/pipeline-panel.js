// The pipeline panel (?view=pipeline): the outbox (backlog, age of the oldest
// unpublished row, parked rows, last publish), the relay leader, the replica
// lag, the e-mails, the processes whose /metrics the API reads, and two small
// charts (publish rate, commit→publish latency p50/p99) drawn as inline SVG.
// From GET /api/pipeline, every 2 s while the tab is visible. Each chart has
// a text alternative: an aria-label with the latest values and a visually
// hidden table of its points.

import { request } from './api.js';
import { $, h, show } from './dom.js';
import { relativeTime, timeElement } from './format.js';
import { LatestLoad } from './latest-load.js';

export const pipelineRefreshMs = 2000;

const svgNs = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) if (child) element.append(child);
  return element;
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);
const figure = (value, unit = '') => (isNumber(value) ? `${numberFormat.format(value)}${unit}` : '—');

function duration(seconds) {
  if (!isNumber(seconds)) return '—';
  if (seconds < 60) return `${numberFormat.format(seconds)} s`;
  if (seconds < 3600) return `${numberFormat.format(seconds / 60)} min`;
  return `${numberFormat.format(seconds / 3600)} h`;
}

const clockTime = (stamp) => timeElement(stamp);

// A small line chart of `series` ([{ key, label, className }]) over `points`.
function chart({ id, title, unit, series, points }) {
  const width = 320;
  const height = 120;
  const pad = { left: 40, right: 8, top: 8, bottom: 18 };
  const values = points.flatMap((point) => series.map((line) => point[line.key])).filter(isNumber);
  const top = Math.max(1, ...values) * 1.1;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (i) => pad.left + (points.length > 1 ? (plotW * i) / (points.length - 1) : plotW);
  const y = (value) => pad.top + plotH - (plotH * value) / top;
  const latest = points.length ? points[points.length - 1] : null;
  const latestText = series.map((line) => `${line.label} ${figure(latest?.[line.key], ` ${unit}`)}`).join(', ');
  const label = points.length
    ? `${title}: latest ${latestText}; highest ${figure(values.length ? Math.max(...values) : null, ` ${unit}`)} over ${points.length} points`
    : `${title}: no points yet`;

  const lines = series.map((line) => {
    // Consecutive numbers make one polyline; a null breaks the line.
    const segments = [];
    let current = [];
    points.forEach((point, i) => {
      const value = point[line.key];
      if (isNumber(value)) current.push(`${x(i).toFixed(1)},${y(value).toFixed(1)}`);
      else if (current.length) {
        segments.push(current);
        current = [];
      }
    });
    if (current.length) segments.push(current);
    const dots = points.map((point, i) => (isNumber(point[line.key])
      ? svg('circle', { class: `point ${line.className}`, cx: x(i).toFixed(1), cy: y(point[line.key]).toFixed(1),
        r: 2.2, 'data-value': point[line.key] })
      : null));
    return svg('g', { class: `series ${line.className}` },
      segments.map((segment) => svg('polyline', { points: segment.join(' '), class: `line ${line.className}` })),
      dots);
  });

  const graphic = svg('svg', {
    id, class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
  },
  svg('line', { class: 'axis', x1: pad.left, y1: pad.top + plotH, x2: width - pad.right, y2: pad.top + plotH }),
  svg('line', { class: 'axis', x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + plotH }),
  svg('text', { class: 'tick', x: pad.left - 4, y: pad.top + 8, 'text-anchor': 'end' }, document.createTextNode(figure(top))),
  svg('text', { class: 'tick', x: pad.left - 4, y: pad.top + plotH, 'text-anchor': 'end' }, document.createTextNode('0')),
  lines);

  const table = h('table', { class: 'visually-hidden' },
    h('caption', {}, `${title} (${unit})`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'),
      series.map((line) => h('th', { scope: 'col' }, line.label)))),
    h('tbody', {}, points.map((point) => h('tr', {},
      h('td', {}, clockTime(point.at)),
      series.map((line) => h('td', {}, figure(point[line.key])))))));

  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, h('span', { class: 'chart-title' }, title),
      h('span', { class: 'muted chart-latest', dataset: { chart: id } }, latest ? ` · now ${latestText}` : '')),
    graphic,
    series.length > 1
      ? h('p', { class: 'legend', 'aria-hidden': 'true' },
        series.map((line) => h('span', { class: `key ${line.className}` }, line.label)))
      : null,
    table);
}

function tile(key, label, value, note) {
  return h('div', { class: 'tile', dataset: { metric: key } },
    h('dt', {}, label),
    h('dd', {}, h('span', { class: 'value' }, value), note ? h('span', { class: 'muted note' }, note) : null));
}

export class PipelinePanel {
  constructor() {
    this.section = $('#pipeline-view');
    this.body = $('#pipeline-body');
    this.loads = new LatestLoad();
    this.timer = null;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.refresh();
    });
  }

  matches(state) {
    return state.view === 'pipeline';
  }

  show() {
    const opening = this.section.hidden;
    show(this.section);
    document.body.classList.add('pipeline-open');
    document.title = 'Pipeline · Customers';
    if (opening) {
      this.loads.forget();
      this.body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
      $('#pipeline-title').focus({ preventScroll: true });
    }
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.refresh();
    }, pipelineRefreshMs);
    return this.load({ quiet: false });
  }

  hide() {
    show(this.section, false);
    document.body.classList.remove('pipeline-open');
    clearInterval(this.timer);
    this.timer = null;
    this.loads.abort();
  }

  refresh() {
    if (this.section.hidden || this.loads.busy) return Promise.resolve();
    return this.load({ quiet: true });
  }

  reload() {
    return this.refresh();
  }

  load({ quiet }) {
    return this.loads.run((signal) => request('GET', '/api/pipeline', { signal, quiet }), {
      onData: (data) => {
        if (!this.section.hidden) this.render(data);
        show($('#pipeline-error'), false);
      },
      onError: (error) => {
        $('#pipeline-error').textContent = `The pipeline's figures could not be loaded. ${error.message}`;
        show($('#pipeline-error'));
      },
    });
  }

  render(data) {
    if (!this.loads.changed(data)) return;
    const outbox = data.outbox || {};
    const email = data.email || {};
    const replication = data.replication || {};
    const leader = data.relay_leader;
    const points = data.series?.points || [];

    const processes = (data.processes || []).map((process) => h('li', {
      class: process.up ? 'up' : 'down', dataset: { process: process.name, up: String(Boolean(process.up)) },
    },
    h('span', { class: 'badge' }, process.up ? 'up' : 'down'), ' ',
    h('strong', {}, process.name), ' ',
    h('span', { class: 'muted' }, process.metrics_url),
    process.error ? h('span', { class: 'muted' }, ` · ${process.error}`) : null,
    process.scraped_at ? h('span', { class: 'muted' }, ' · read ', clockTime(process.scraped_at)) : null));

    this.body.replaceChildren(
      h('p', { class: 'muted pipeline-updated' }, 'Figures of ', clockTime(data.generated_at),
        `, refreshed every ${pipelineRefreshMs / 1000} s; processes' /metrics read every `
        + `${data.series?.interval_seconds ?? 5} s.`),
      h('h3', {}, 'Outbox and relay'),
      h('dl', { class: 'tiles' },
        tile('backlog', 'Outbox backlog', figure(outbox.backlog), 'rows not yet published'),
        tile('oldest', 'Oldest unpublished', duration(outbox.oldest_unpublished_age_seconds)),
        tile('parked', 'Parked rows', figure(outbox.parked), 'given up, need a person'),
        tile('last-publish', 'Last publish', outbox.last_published_at ? clockTime(outbox.last_published_at) : 'never',
          outbox.last_published_at ? relativeTime(outbox.last_published_at) : null),
        tile('leader', 'Relay leader', leader ? `pid ${leader.pid}` : 'none',
          leader ? [` ${leader.client ?? ''} · since `, clockTime(leader.since)] : 'no relay holds the lock'),
        tile('published', 'Published (relay)', figure(data.relay?.published_total), 'since the relay started')),
      h('h3', {}, 'Replica and e-mails'),
      h('dl', { class: 'tiles' },
        tile('replica-lag', 'Replica lag', figure(replication.lag), 'messages behind'),
        tile('emails-sent', 'E-mails sent', figure(email.sent_total)),
        tile('emails-failed', 'E-mails failed', figure(email.failed_total),
          isNumber(email.retried_total) ? `${figure(email.retried_total)} retried` : null),
        tile('emails-backlog', 'E-mail backlog', figure(email.backlog),
          isNumber(email.in_flight) ? `${figure(email.in_flight)} in flight` : null)),
      h('div', { class: 'charts' },
        chart({ id: 'chart-publish-rate', title: 'Publish rate', unit: 'events/s', points,
          series: [{ key: 'published_per_second', label: 'published', className: 's1' }] }),
        chart({ id: 'chart-latency', title: 'Commit → publish latency', unit: 'ms', points,
          series: [{ key: 'commit_to_ack_p50_ms', label: 'p50', className: 's1' },
            { key: 'commit_to_ack_p99_ms', label: 'p99', className: 's2' }] })),
      h('h3', {}, 'Processes'),
      processes.length
        ? h('ul', { class: 'processes' }, processes)
        : h('p', { class: 'muted' }, 'The API reads no process’s /metrics (--pipeline-metrics).'));
  }
}
