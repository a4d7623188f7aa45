// Small DOM helpers. Every name from the server is set with textContent:
// item and store names are data, never markup.
export function $(id) { return document.getElementById(id); }

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export function td(text, className) {
  const cell = el('td', { text: text === null || text === undefined ? '' : String(text) });
  if (className) cell.className = className;
  return cell;
}

export function formatTime(ms) {
  if (!ms) return '–';
  return new Date(ms).toLocaleString();
}

export function formatNumber(n) { return Number(n).toLocaleString(); }

export function toast(text) {
  const box = $('toasts');
  const note = el('div', { class: 'toast', text });
  box.append(note);
  while (box.children.length > 4) box.firstChild.remove();
  setTimeout(() => note.remove(), 6000);
}

export function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}
