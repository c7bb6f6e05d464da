// The message log: filters, a search box, pages, each message linking to its timeline.
import { get, query } from './api.js';
import { chip, fill, h, number, table, time } from './dom.js';

const STATES = ['pending', 'delivering', 'delivered', 'skipped', 'dead'];
const FILTERS = ['vendor', 'state', 'since', 'until', 'sender', 'messageId', 'incidentId'];
const PAGE = 50;

/**
 * What the search box holds, as one of the log's filters: a phone number (a leading + or 00, or
 * brackets, spaces and dashes around digits) is a sender, a bare number an incident id, anything
 * else a message id (or an alphanumeric sender id, tried when no message id matches).
 */
export function readSearch(text) {
  const value = text.trim();
  if (value === '') return undefined;
  if (/^(\+|00|\()/.test(value) || (/^[0-9][0-9 ().-]{6,}$/.test(value) && /[ ().-]/.test(value))) {
    return { name: 'sender', value, label: 'sender' };
  }
  if (/^[0-9]{1,15}$/.test(value)) return { name: 'incidentId', value, label: 'incident id' };
  return { name: 'messageId', value, label: 'message id' };
}

/** An ISO time as a datetime-local input shows it (the reader's time zone), and back. */
function toLocalInput(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}
function fromLocalInput(value) {
  if (!value) return '';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

function field(label, input) {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

function filterForm(params) {
  const input = (name, attributes = {}) =>
    h('input', { id: `filter-${name}`, name, value: params.get(name) ?? '', ...attributes });
  const state = h(
    'select',
    { id: 'filter-state', name: 'state' },
    h('option', { value: '' }, 'any'),
    STATES.map((value) => h('option', { value, selected: params.get('state') === value }, value)),
  );
  const since = h('input', {
    id: 'filter-since',
    name: 'since',
    type: 'datetime-local',
    value: params.get('since') ? toLocalInput(params.get('since')) : '',
  });
  const until = h('input', {
    id: 'filter-until',
    name: 'until',
    type: 'datetime-local',
    value: params.get('until') ? toLocalInput(params.get('until')) : '',
  });
  const search = input('q', {
    type: 'search',
    placeholder: 'Message id, phone number or incident id',
    'aria-label': 'Search',
  });
  // On a phone the filters fold away unless one is in use; the search box stays.
  const filtering = FILTERS.some((name) => params.get(name));
  const open = filtering || window.matchMedia('(min-width: 761px)').matches;
  const form = h(
    'form',
    { class: 'card filters', id: 'filters', role: 'search' },
    h('div', { class: 'field search' }, h('label', { for: 'filter-q' }, 'Search'), search),
    h(
      'details',
      { class: 'more-filters', open },
      h('summary', {}, 'Filters'),
      h(
        'div',
        { class: 'filters' },
        field('Vendor', input('vendor', { placeholder: 'e.g. twilio', autocapitalize: 'none' })),
        field('State', state),
        field('Received from', since),
        field('Received before', until),
        field('Sender', input('sender', { placeholder: '+1 415 555 2671' })),
        field('Message id', input('messageId')),
        field('Incident id', input('incidentId', { inputmode: 'numeric' })),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('a', { class: 'button', href: '#/messages' }, 'Clear'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const name of ['q', ...FILTERS]) next[name] = String(data.get(name) ?? '').trim();
    next.since = fromLocalInput(next.since);
    next.until = fromLocalInput(next.until);
    location.hash = `#/messages${query(next)}`;
  });
  return form;
}

export async function render(view, { params }) {
  const filters = {};
  for (const name of FILTERS) filters[name] = params.get(name) ?? '';
  const searched = readSearch(params.get('q') ?? '');
  if (searched) filters[searched.name] = searched.value;
  const results = h('div', { id: 'results' });
  fill(
    view,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Messages'),
      h('span', { class: 'muted' }, 'Newest first'),
    ),
    filterForm(params),
    searched
      ? h(
          'p',
          { class: 'muted' },
          `Searching by ${searched.label}: `,
          h('span', { class: 'mono' }, searched.value),
        )
      : null,
    results,
  );
  try {
    const page = await get(
      `/admin/messages${query({ ...filters, limit: params.get('limit') || PAGE, cursor: params.get('cursor') })}`,
    );
    const rows = page.items.map((item) => ({
      attributes: { 'data-id': item.id, 'data-state': item.state },
      cells: [
        h('a', { href: `#/messages/${item.id}`, title: 'Open the timeline' }, `#${item.id}`),
        time(item.received),
        item.vendor,
        h('span', { class: 'mono' }, item.messageId),
        h('span', { class: 'mono' }, item.sender),
        chip(item.state),
        number(item.attempts),
        number(item.duplicates),
        item.incidentId ?? '–',
      ],
    }));
    const more = new URLSearchParams(params);
    if (page.next) more.set('cursor', page.next);
    const first = new URLSearchParams(params);
    first.delete('cursor');
    fill(
      results,
      table(
        [
          'Id',
          'Received',
          'Vendor',
          'Message id',
          'Sender',
          'State',
          'Attempts',
          'Re-sent',
          'Incident',
        ],
        rows,
        {
          empty: 'No message matches.',
          numeric: [6, 7],
          wide: [2, 3, 6, 7, 8],
        },
      ),
      h(
        'div',
        { class: 'actions' },
        params.get('cursor')
          ? h('a', { class: 'button', href: `#/messages?${first}` }, 'First page')
          : null,
        page.next
          ? h('a', { class: 'button', href: `#/messages?${more}`, id: 'next-page' }, 'Next page')
          : null,
      ),
    );
  } catch (error) {
    const names = (error.problem?.invalidParams ?? []).map((param) => param.name).join(', ');
    fill(
      results,
      h('p', { class: 'error', role: 'alert' }, error.message, names ? ` (${names})` : ''),
    );
  }
}
