// The list pages: uploads (ingestion history), alerts, thresholds, users
// (admins) and API tokens.
import { api } from './api.js';
import { $, el, td, formatTime, replaceRows } from './dom.js';

export async function showUploads() {
  const data = await api('GET', '/api/uploads?limit=200');
  replaceRows($('uploads-table').tBodies[0], data.uploads.map((u) => el('tr', {},
    td(formatTime(u.time_ms)), td(u.key), td(u.uploader),
    el('td', {}, el('span', { class: `badge ${u.status}`, text: u.status })),
    td(u.rows, 'n'),
    el('td', {}, ...(u.problems.length ? [el('ul', { class: 'problems' }, ...u.problems.slice(0, 20).map((p) => el('li', { text: p })))] : [])))));
}

function alertRow(a, fresh) {
  const row = el('tr', { 'data-alert': String(a.position) },
    td(formatTime(a.time_ms)), el('td', {}, el('span', { class: `badge ${a.kind}`, text: a.kind })),
    td(a.store), td(a.item), td(a.count, 'n'), td(a.message));
  if (fresh) row.classList.add('fresh');
  return row;
}

export async function showAlerts() {
  const data = await api('GET', '/api/alerts?limit=200');
  replaceRows($('alerts-table').tBodies[0], data.alerts.map((a) => alertRow(a, false)));
}

// A live alert: on top of the table.
export function addAlert(alert) {
  const body = $('alerts-table').tBodies[0];
  if (body.querySelector(`tr[data-alert="${CSS.escape(String(alert.position))}"]`)) return;
  body.prepend(alertRow(alert, true));
  while (body.rows.length > 200) body.lastChild.remove();
}

export async function showThresholds() {
  const data = await api('GET', '/api/thresholds');
  replaceRows($('thresholds-table').tBodies[0], data.thresholds.map((t) => el('tr', {},
    td(t.store === null ? '(all stores)' : t.store), td(t.item === null ? '(all items)' : t.item),
    td(t.threshold, 'n'), td(t.source))));
}

export async function showUsers() {
  const data = await api('GET', '/api/users');
  replaceRows($('users-table').tBodies[0], data.users.map((u) => el('tr', {},
    el('th', { scope: 'row', text: u.name }), td(u.role),
    td(u.role === 'admin' ? '(all)' : u.stores.join(', ')),
    el('td', {}, el('button', { type: 'button', text: 'Remove', 'aria-label': `Remove ${u.name}`,
      onclick: async () => {
        if (!window.confirm(`Remove ${u.name}?`)) return;
        try { await api('DELETE', `/api/users/${encodeURIComponent(u.name)}`); } catch (e) { $('user-error').textContent = e.message; }
        showUsers();
      } })))));
}

export async function showTokens() {
  const data = await api('GET', '/api/tokens');
  replaceRows($('tokens-table').tBodies[0], data.tokens.map((t) => el('tr', {},
    td(t.id), td(t.user), td(t.label), td(formatTime(t.created_ms)),
    el('td', {}, el('button', { type: 'button', text: 'Revoke', 'aria-label': `Revoke token ${t.id}`,
      onclick: async () => { await api('DELETE', `/api/tokens/${t.id}`); showTokens(); } })))));
}

export function initPages() {
  $('user-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('user-error').textContent = '';
    const stores = $('user-stores').value.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      await api('POST', '/api/users', { name: $('user-name').value, role: $('user-role').value,
        stores: $('user-role').value === 'admin' ? [] : stores, password: $('user-password').value });
      e.target.reset();
      showUsers();
    } catch (error) {
      $('user-error').textContent = error.message;
    }
  });
  $('token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = await api('POST', '/api/tokens', { label: $('token-label').value });
    $('token-secret').textContent = `New token (shown once): ${token.token}`;
    e.target.reset();
    showTokens();
  });
}
