// A store's page: its items with search, level filter, sort and pages;
// an item's count over time; uploading a CSV file with progress and the
// load's result. Rows refresh live when the store changes.
import { api, uploadFile } from './api.js';
import { $, el, td, formatTime, formatNumber, replaceRows } from './dom.js';

const state = { store: '', q: '', filter: 'all', sort: 'item', order: 'asc', page: 1, perPage: 50, total: 0 };
let historyChart = null;
let searchTimer = null;
let loading = null;

export function currentStore() { return $('view-store').hidden ? null : state.store; }

export async function showStore(name) {
  if (state.store !== name) {
    Object.assign(state, { store: name, q: '', filter: 'all', sort: 'item', order: 'asc', page: 1 });
    $('items-search').value = '';
    $('items-filter').value = 'all';
    $('history-box').hidden = true;
    $('upload-result').replaceChildren();
  }
  $('store-title').textContent = name;
  await Promise.all([loadSummary(), loadItems()]);
}

export async function refreshStore() {
  await Promise.all([loadSummary(), loadItems(true)]);
}

async function loadSummary() {
  const s = await api('GET', `/api/stores/${encodeURIComponent(state.store)}`);
  $('store-items').textContent = formatNumber(s.items);
  $('store-out').textContent = formatNumber(s.out);
  $('store-low').textContent = formatNumber(s.low);
}

async function loadItems(live = false) {
  const query = new URLSearchParams({
    q: state.q, filter: state.filter, sort: state.sort, order: state.order,
    page: String(state.page), per_page: String(state.perPage),
  });
  const request = api('GET', `/api/stores/${encodeURIComponent(state.store)}/items?${query}`);
  loading = request;
  const data = await request;
  if (loading !== request) return;  // a newer query answered first
  state.total = data.total;
  const previous = new Map();
  for (const row of $('items-table').tBodies[0].rows) previous.set(row.dataset.item, row.dataset.count);
  const rows = data.items.map((item) => {
    const button = el('button', { type: 'button', class: 'item-link', text: item.item,
      'aria-label': `History of ${item.item}`, onclick: () => showHistory(item.item) });
    const row = el('tr', { class: `level-${item.level}`, 'data-item': item.item, 'data-count': String(item.count) },
      el('th', { scope: 'row' }, button), td(formatNumber(item.count), 'n'),
      td(item.level === 'out' ? 'out of stock' : item.level === 'low' ? `low (≤ ${item.threshold})` : 'in stock', 'level'),
      td(formatTime(item.updated_ms)));
    if (live && previous.get(item.item) !== String(item.count)) row.classList.add('fresh');
    return row;
  });
  replaceRows($('items-table').tBodies[0], rows);
  const pages = Math.max(1, Math.ceil(state.total / state.perPage));
  $('page-info').textContent = `Page ${state.page} of ${pages} · ${formatNumber(state.total)} items`;
  $('page-prev').disabled = state.page <= 1;
  $('page-next').disabled = state.page >= pages;
  for (const b of document.querySelectorAll('#items-table th button')) {
    b.setAttribute('aria-sort', b.dataset.sort === state.sort ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none');
  }
}

async function showHistory(item) {
  const data = await api('GET', `/api/stores/${encodeURIComponent(state.store)}/items/${encodeURIComponent(item)}/history`);
  $('history-box').hidden = false;
  $('history-title').textContent = `${item}: count over time`;
  if (!window.Chart) return;
  const labels = data.points.map((p) => new Date(p.time_ms).toLocaleString());
  const counts = data.points.map((p) => p.count);
  if (historyChart) historyChart.destroy();
  historyChart = new window.Chart($('history-chart'), {
    type: 'line',
    data: { labels, datasets: [{ label: item, data: counts, stepped: true, borderColor: '#0b5cad', pointRadius: 3 }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } },
  });
  $('history-box').scrollIntoView({ block: 'nearest' });
}

function showResult(result) {
  const box = $('upload-result');
  if (result.outcome === 'applied') {
    box.replaceChildren(el('p', { text: `Applied: ${result.rows} rows, ${result.changes} changed (${result.key}).` }));
  } else if (result.outcome === 'rejected') {
    const list = el('ul', { class: 'problems' }, ...result.problems.map((p) => el('li', { text: p })));
    box.replaceChildren(el('p', { text: `Rejected: nothing was changed. ${result.key}` }), list);
  } else {
    box.replaceChildren(el('p', { text: `${result.outcome}: ${result.note || result.message || ''}` }));
  }
}

async function upload(file) {
  const progress = $('upload-progress');
  progress.hidden = false;
  progress.value = 0;
  $('upload-result').replaceChildren(el('p', { text: `Uploading ${file.name}…` }));
  try {
    const result = await uploadFile(state.store, file, (fraction) => { progress.value = Math.round(fraction * 100); });
    progress.value = 100;
    showResult(result);
  } catch (error) {
    $('upload-result').replaceChildren(el('p', { class: 'error', text: `Upload failed: ${error.message}` }));
  } finally {
    progress.hidden = true;
  }
}

export function initStore() {
  $('items-search').addEventListener('input', (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.q = e.target.value; state.page = 1; loadItems(); }, 200);
  });
  $('items-form').addEventListener('submit', (e) => e.preventDefault());
  $('items-filter').addEventListener('change', (e) => { state.filter = e.target.value; state.page = 1; loadItems(); });
  $('items-per-page').addEventListener('change', (e) => { state.perPage = Number(e.target.value); state.page = 1; loadItems(); });
  $('page-prev').addEventListener('click', () => { state.page -= 1; loadItems(); });
  $('page-next').addEventListener('click', () => { state.page += 1; loadItems(); });
  for (const b of document.querySelectorAll('#items-table th button')) {
    b.addEventListener('click', () => {
      if (state.sort === b.dataset.sort) state.order = state.order === 'asc' ? 'desc' : 'asc';
      else { state.sort = b.dataset.sort; state.order = 'asc'; }
      state.page = 1;
      loadItems();
    });
  }
  const zone = $('drop-zone');
  const input = $('upload-input');
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
  });
  input.addEventListener('change', () => { if (input.files.length) upload(input.files[0]); input.value = ''; });
}
