// The dashboard's entry point: sign-in and sign-out, the hash router
// (#/, #/store/NAME, #/uploads, ...) and the live feed (Server-Sent Events).
import { api, setCsrfToken, whenSignedOut } from './api.js';
import { $, toast } from './dom.js';
import { initOverview, showOverview, updateStores } from './overview.js';
import { addAlert, initPages, showAlerts, showThresholds, showTokens, showUploads, showUsers } from './pages.js';
import { currentStore, initStore, refreshStore, showStore } from './store.js';

let me = null;
let feed = null;

function showView(name) {
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== `view-${name}`;
  for (const link of document.querySelectorAll('#nav a')) {
    const current = link.getAttribute('href') === (location.hash || '#/');
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

async function route() {
  if (!me) return showView('login');
  if (me.must_change_password) {
    $('password-reason').textContent = 'This is a one-time password: choose your own to continue.';
    return showView('password');
  }
  const hash = location.hash || '#/';
  try {
    if (hash.startsWith('#/store/')) {
      showView('store');
      await showStore(decodeURIComponent(hash.slice(8)));
    } else if (hash === '#/uploads') {
      showView('uploads'); await showUploads();
    } else if (hash === '#/alerts') {
      showView('alerts'); await showAlerts();
    } else if (hash === '#/thresholds') {
      showView('thresholds'); await showThresholds();
    } else if (hash === '#/users' && me.user.role === 'admin') {
      showView('users'); await showUsers();
    } else if (hash === '#/tokens') {
      showView('tokens'); await showTokens();
    } else if (hash === '#/password') {
      showView('password');
    } else {
      showView('overview'); await showOverview();
    }
  } catch (error) {
    if (error.status !== 401) toast(`Could not load: ${error.message}`);
  }
}

function startFeed() {
  if (feed) feed.close();
  feed = new EventSource('/api/events');
  feed.addEventListener('open', () => $('live-state').classList.add('on'));
  feed.addEventListener('error', () => $('live-state').classList.remove('on'));
  feed.addEventListener('stores', (e) => {
    const data = JSON.parse(e.data);
    updateStores(data.stores, data.all).catch(() => {});
    const store = currentStore();
    if (store !== null && (data.all || data.stores.some((s) => s.name === store))) refreshStore().catch(() => {});
  });
  feed.addEventListener('alert', (e) => {
    const alert = JSON.parse(e.data);
    addAlert(alert);
    toast(alert.message);
  });
  feed.addEventListener('signed_out', () => signedOut());
}

function signedIn(session) {
  me = session;
  setCsrfToken(session.csrf_token);
  $('who-name').textContent = `${session.user.name} (${session.user.role})`;
  $('who').hidden = false;
  $('nav').hidden = session.must_change_password;
  $('nav-users').hidden = session.user.role !== 'admin';
  if (!session.must_change_password) startFeed();
  route();
}

function signedOut() {
  me = null;
  setCsrfToken(null);
  if (feed) { feed.close(); feed = null; }
  $('who').hidden = true;
  $('nav').hidden = true;
  showView('login');
  $('login-username').focus();
}

async function init() {
  initOverview();
  initStore();
  initPages();
  whenSignedOut(signedOut);
  window.addEventListener('hashchange', route);
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      const session = await api('POST', '/api/session', { username: $('login-username').value, password: $('login-password').value });
      $('login-password').value = '';
      signedIn(session);
    } catch (error) {
      $('login-error').textContent = error.message;
    }
  });
  $('password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('password-error').textContent = '';
    try {
      const session = await api('POST', '/api/session/password', {
        current_password: $('password-current').value, new_password: $('password-new').value });
      e.target.reset();
      if (location.hash === '#/password') location.hash = '#/';
      signedIn(session);
    } catch (error) {
      $('password-error').textContent = error.message;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    try { await api('DELETE', '/api/session'); } finally { signedOut(); }
  });
  try {
    signedIn(await api('GET', '/api/session'));
  } catch {
    signedOut();
  }
}

init();
