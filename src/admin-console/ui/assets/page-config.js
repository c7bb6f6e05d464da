// The configuration in force: the allow rules and outbound targets first, then every setting.
// Drawn generically (the API's shape is the configuration's), secrets arrive as their kinds.
import { get } from './api.js';
import { fill, h, table } from './dom.js';

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isScalar = (value) =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

function scalar(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '–');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return h('span', { class: 'mono' }, String(value));
}

/** An array of flat objects is a table; anything else a nested list. */
function tree(value) {
  if (isScalar(value)) return scalar(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    if (
      value.every(isObject) &&
      value.every((item) =>
        Object.values(item).every((v) => isScalar(v) || (Array.isArray(v) && v.every(isScalar))),
      )
    ) {
      const columns = [...new Set(value.flatMap((item) => Object.keys(item)))];
      return table(
        columns,
        value.map((item) => ({
          cells: columns.map((column) =>
            Array.isArray(item[column])
              ? item[column].map(String).join(', ')
              : scalar(item[column]),
          ),
        })),
      );
    }
    if (value.every(isScalar)) return h('span', { class: 'mono' }, value.map(String).join(', '));
    return h(
      'ol',
      { class: 'tree' },
      value.map((item) => h('li', {}, tree(item))),
    );
  }
  if (Object.keys(value).length === 0) return h('span', { class: 'muted' }, 'none');
  return h(
    'ul',
    { class: 'tree' },
    Object.entries(value).map(([key, item]) =>
      isScalar(item) ||
      (Array.isArray(item) && item.every(isScalar)) ||
      (isObject(item) && Object.keys(item).length === 0)
        ? h('li', {}, h('span', { class: 'key' }, `${key}: `), tree(item))
        : h(
            'li',
            {},
            h('details', { open: true }, h('summary', { class: 'key' }, key), tree(item)),
          ),
    ),
  );
}

const FIRST = /allow|inbound|outbound|target|rule/i;

export async function render(view) {
  const config = await get('/admin/config');
  const entries = isObject(config) ? Object.entries(config) : [['configuration', config]];
  const first = entries.filter(([key]) => FIRST.test(key));
  const rest = entries.filter(([key]) => !FIRST.test(key));
  fill(
    view,
    h('div', { class: 'page-head' }, h('h1', {}, 'Allow rules and outbound targets')),
    h(
      'p',
      { class: 'muted' },
      'The configuration in force in this process. Secrets show only where they come from.',
    ),
    first.map(([key, value]) =>
      h('section', { class: 'card', 'data-section': key }, h('h2', {}, key), tree(value)),
    ),
    rest.length > 0
      ? h(
          'section',
          { class: 'card', 'data-section': 'settings' },
          h('h2', {}, 'Every other setting'),
          tree(Object.fromEntries(rest)),
        )
      : null,
  );
}
