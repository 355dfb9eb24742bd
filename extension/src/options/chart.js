// The activity chart and table on the options page, built with DOM calls
// only (no markup strings: the extension CSP and our style forbid them).
// Geometry comes from src/shared/activity.js, which the unit tests cover.
import { chartBars } from '../shared/activity.js';

/** @typedef {import('../shared/activity.js').DaySummary} DaySummary */
/** @typedef {{title: string, blocked: string, warned: string, empty: string, dayLabel: (day: string) => string}} ChartLabels */
/** @typedef {{category: (key: string) => string, blocked: string, warned: string, caption: string, empty: string, categoryHeading?: string}} TotalsLabels */

const SVG = 'http://www.w3.org/2000/svg';
/** Both readable as text on white (WCAG AA), so the legend can reuse them. */
export const COLORS = { blocked: '#1d4ed8', warned: '#b45309' };
// User units; the svg scales to its container's width (chart.css caps it).
const WIDTH = 360;
const HEIGHT = 180;
const PAD = { top: 18, right: 20, bottom: 26, left: 20 };
const FONT_SIZE = '14';
const MUTED = '#4b5563';

/** An SVG element with attributes.
 * @param {string} tag @param {Record<string, string | number>} [attrs] */
function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** An HTML element with a class and text.
 * @template {keyof HTMLElementTagNameMap} K @param {K} tag @param {string} [className] @param {string} [text] */
function html(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Draws the stacked bar chart of `series` into `container` (replacing its
 * children), or the `empty` text when nothing was blocked or warned.
 * @param {Element} container @param {DaySummary[]} series @param {ChartLabels} labels */
export function renderChart(container, series, labels) {
  const blockedTotal = series.reduce((n, d) => n + d.blocked, 0);
  const warnedTotal = series.reduce((n, d) => n + d.warned, 0);
  if (blockedTotal + warnedTotal === 0) {
    const p = html('p', 'chart-empty', labels.empty);
    p.dataset.testid = 'activity-empty';
    container.replaceChildren(p);
    return;
  }

  const geo = chartBars(series, { width: WIDTH, height: HEIGHT, pad: PAD });
  const { plot } = geo;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: '100%',
    role: 'img',
    'aria-label': `${labels.title}: ${blockedTotal} ${labels.blocked}, ${warnedTotal} ${labels.warned}`,
    class: 'activity-chart',
    'data-testid': 'activity-chart',
    'font-size': FONT_SIZE,
  });

  // Max gridline with its value above it, at the left.
  root.append(svg('line', {
    x1: plot.left, x2: plot.right, y1: plot.top, y2: plot.top,
    stroke: '#d1d5db', 'stroke-dasharray': '4 3', class: 'gridline',
  }));
  const maxText = svg('text', { x: plot.left, y: plot.top - 5, fill: MUTED, class: 'max-label' });
  maxText.textContent = String(geo.max);
  root.append(maxText);

  geo.bars.forEach((bar, i) => {
    const d = series[i];
    const g = svg('g', { 'data-day': d.day, 'data-blocked': d.blocked, 'data-warned': d.warned });
    const title = svg('title');
    title.textContent = `${labels.dayLabel(d.day)}: ${d.blocked} ${labels.blocked}, ${d.warned} ${labels.warned}`;
    // A transparent full-height target, so hovering a short or empty day shows its title too.
    const slot = (plot.right - plot.left) / series.length;
    g.append(
      title,
      svg('rect', { x: plot.left + i * slot, y: plot.top, width: slot, height: plot.bottom - plot.top, fill: 'transparent', class: 'hit' }),
      svg('rect', { x: bar.x, y: bar.blockedY, width: bar.w, height: bar.blockedH, fill: COLORS.blocked, class: 'blocked' }),
      svg('rect', { x: bar.x, y: bar.warnedY, width: bar.w, height: bar.warnedH, fill: COLORS.warned, class: 'warned' }),
    );
    root.append(g);
  });

  // Baseline after the bars, so it is drawn over their feet.
  root.append(svg('line', {
    x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom,
    stroke: MUTED, class: 'baseline',
  }));
  for (const tick of geo.ticks) {
    const text = svg('text', { x: tick.x, y: plot.bottom + 17, 'text-anchor': 'middle', fill: MUTED, class: 'tick' });
    text.textContent = labels.dayLabel(tick.day);
    root.append(text);
  }

  // The legend is HTML (wraps and zooms with the page text).
  const legend = html('ul', 'chart-legend');
  for (const kind of /** @type {const} */ (['blocked', 'warned'])) {
    const li = html('li');
    const swatch = html('span', `swatch ${kind}`);
    swatch.setAttribute('aria-hidden', 'true');
    li.append(swatch, labels[kind]);
    legend.append(li);
  }
  container.replaceChildren(root, legend);
}

/** Per-category totals as a table in `container` (replacing its children),
 * or the `empty` text when there are none.
 * @param {Element} container
 * @param {{category: string, blocked: number, warned: number}[]} totals
 * @param {TotalsLabels} labels */
export function renderTotals(container, totals, labels) {
  if (!totals.length) {
    const p = html('p', 'table-empty', labels.empty);
    p.dataset.testid = 'activity-table-empty';
    container.replaceChildren(p);
    return;
  }
  const table = html('table', 'activity-table');
  table.dataset.testid = 'activity-table';
  table.append(html('caption', undefined, labels.caption));

  const head = html('thead');
  const headRow = html('tr');
  const corner = html('th', undefined, labels.categoryHeading ?? '');
  corner.scope = 'col';
  const thBlocked = html('th', 'num', labels.blocked);
  thBlocked.scope = 'col';
  const thWarned = html('th', 'num', labels.warned);
  thWarned.scope = 'col';
  headRow.append(corner, thBlocked, thWarned);
  head.append(headRow);

  const body = html('tbody');
  for (const row of totals) {
    const tr = html('tr');
    tr.dataset.category = row.category;
    const name = html('th', undefined, labels.category(row.category));
    name.scope = 'row';
    tr.append(name, html('td', 'num', String(row.blocked)), html('td', 'num', String(row.warned)));
    body.append(tr);
  }
  table.append(head, body);
  container.replaceChildren(table);
}
