// Building the page without innerHTML: every value from the API is set as text, never parsed.

/**
 * An element: `h('a', { href: '#/x', class: 'chip' }, 'text', child)`. Attributes whose value is
 * false, null or undefined are left out; `on*` functions become event listeners.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces everything in `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** An ISO time as the reader's locale shows it, with the exact value as a tooltip. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '–');
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  return h('time', { datetime: iso, title: iso }, dateTime.format(at));
}

/** A duration in seconds as people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
export const number = (value) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : numberFormat.format(value);

export const percent = (ratio) =>
  ratio === null || ratio === undefined || Number.isNaN(ratio)
    ? '–'
    : `${numberFormat.format(ratio * 100)} %`;

/** A state or outcome as a coloured chip (the class is the value, from a known list). */
const CHIP_CLASSES = new Set([
  'delivered',
  'dead',
  'pending',
  'delivering',
  'skipped',
  'up',
  'down',
  'degraded',
  'ok',
  'paused',
  'running',
  'retry',
  'failed',
  'error',
  'replayed',
]);
export function chip(value) {
  const text = String(value);
  return h('span', { class: CHIP_CLASSES.has(text) ? `chip ${text}` : 'chip' }, text);
}

/** A table in its scrolling wrapper; `rows` are arrays of cells (nodes or text). */
export function table(headings, rows, { empty = 'Nothing here.', numeric = [], wide = [] } = {}) {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  // `numeric` columns align right; `wide` ones are left out on a phone.
  const classOf = (index) =>
    [numeric.includes(index) ? 'num' : '', wide.includes(index) ? 'hide-narrow' : '']
      .join(' ')
      .trim() || null;
  const head = h(
    'tr',
    {},
    headings.map((heading, index) => h('th', { scope: 'col', class: classOf(index) }, heading)),
  );
  const body = rows.map((row) =>
    h(
      'tr',
      row.attributes ?? {},
      row.cells.map((cell, index) => h('td', { class: classOf(index) }, cell)),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, h('thead', {}, head), h('tbody', {}, body)),
  );
}

/** JSON, pretty-printed, as text. */
export const json = (value) => h('pre', {}, JSON.stringify(value, null, 2));

/** A definition list of label → value. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}
