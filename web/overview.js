// The overview: totals, a stacked bar chart of items per store by level
// (out and low in warning colours) and the store table, updated in place
// by the live feed.
import { api } from './api.js';
import { $, el, td, formatTime, formatNumber, replaceRows } from './dom.js';

const CHART_STORES = 40;  // more bars than this are unreadable; the worst stores are shown
const stores = new Map();  // name -> summary
let chart = null;
let filterText = '';

export async function showOverview() {
  const data = await api('GET', '/api/stores');
  stores.clear();
  for (const s of data.stores) stores.set(s.name, s);
  render();
}

// A live "stores" event: summaries of changed stores.
export function updateStores(changed, all) {
  if (all) return showOverview();
  const fresh = new Set();
  for (const s of changed) {
    if (s.items === 0 && !stores.has(s.name)) continue;
    stores.set(s.name, s);
    fresh.add(s.name);
  }
  if (!$('view-overview').hidden) render(fresh);
  return Promise.resolve();
}

function totals() {
  const t = { stores: 0, items: 0, out: 0, low: 0 };
  for (const s of stores.values()) {
    t.stores += 1; t.items += s.items; t.out += s.out; t.low += s.low;
  }
  return t;
}

function render(fresh = new Set()) {
  const t = totals();
  $('total-stores').textContent = formatNumber(t.stores);
  $('total-items').textContent = formatNumber(t.items);
  $('total-out').textContent = formatNumber(t.out);
  $('total-low').textContent = formatNumber(t.low);
  $('stores-empty').hidden = stores.size > 0;

  const needle = filterText.toLowerCase();
  const rows = [];
  for (const s of [...stores.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (needle && !s.name.toLowerCase().includes(needle)) continue;
    if (rows.length >= 1000) break;
    const link = el('a', { href: `#/store/${encodeURIComponent(s.name)}`, text: s.name });
    const row = el('tr', { 'data-store': s.name },
      el('th', { scope: 'row' }, link), td(formatNumber(s.items), 'n'),
      td(formatNumber(s.out), 'n'), td(formatNumber(s.low), 'n'), td(formatTime(s.last_change_ms)));
    if (s.out > 0) row.classList.add('level-out');
    else if (s.low > 0) row.classList.add('level-low');
    if (fresh.has(s.name)) row.classList.add('fresh');
    rows.push(row);
  }
  replaceRows($('stores-table').tBodies[0], rows);
  renderChart();
}

function renderChart() {
  if (!window.Chart) {
    $('overview-chart-note').textContent = 'Chart.js is not installed: run scripts/setup.';
    return;
  }
  let list = [...stores.values()];
  let note = '';
  if (list.length > CHART_STORES) {
    list.sort((a, b) => (b.out + b.low) - (a.out + a.low) || a.name.localeCompare(b.name));
    list = list.slice(0, CHART_STORES);
    note = `Showing the ${CHART_STORES} stores with the most out-of-stock and low items.`;
  }
  list.sort((a, b) => a.name.localeCompare(b.name));
  $('overview-chart-note').textContent = note;
  const labels = list.map((s) => s.name);
  const datasets = [
    { label: 'Out of stock', data: list.map((s) => s.out), backgroundColor: '#b3261e' },
    { label: 'Low', data: list.map((s) => s.low), backgroundColor: '#e39b2d' },
    { label: 'In stock', data: list.map((s) => s.items - s.out - s.low), backgroundColor: '#7fb08f' },
  ];
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets.forEach((d, i) => { d.data = datasets[i].data; });
    chart.update('none');
    return;
  }
  chart = new window.Chart($('overview-chart'), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'items' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

export function initOverview() {
  $('store-search').addEventListener('input', (e) => {
    filterText = e.target.value;
    render();
  });
}
