// Dead letters: what delivery gave up on, why, and replaying the ones selected.
import { get, post, query } from './api.js';
import { chip, fill, h, number, table, time } from './dom.js';

const PAGE = 100;
const FOLLOW_MS = 1000;

function errorText(error) {
  if (error === null || error === undefined) return '–';
  if (typeof error === 'string') return error;
  if (error.message) return error.message;
  const detail = error.detail ?? {};
  return (
    [detail.status && `HTTP ${detail.status}`, detail.errorCode].filter(Boolean).join(' · ') ||
    JSON.stringify(error)
  );
}

export async function render(view, { params }) {
  const after = params.get('after');
  const page = await get(`/admin/dead-letters${query({ limit: PAGE, after })}`);
  const selected = new Set();
  const status = h('div', { id: 'replay-status', 'aria-live': 'polite' });
  const replayButton = h(
    'button',
    { type: 'button', class: 'primary', id: 'replay-selected', disabled: true },
    'Replay selected',
  );
  const count = h('span', { class: 'muted' });
  const boxes = [];
  const updateSelection = () => {
    replayButton.disabled = selected.size === 0;
    count.textContent = selected.size === 0 ? '' : `${selected.size} selected`;
    allBox.checked = boxes.length > 0 && selected.size === boxes.length;
    allBox.indeterminate = selected.size > 0 && selected.size < boxes.length;
  };
  const allBox = h('input', {
    type: 'checkbox',
    'aria-label': 'Select every dead letter on this page',
    onchange: () => {
      for (const box of boxes) {
        box.checked = allBox.checked;
        if (box.checked) selected.add(Number(box.value));
        else selected.delete(Number(box.value));
      }
      updateSelection();
    },
  });
  const rows = page.items.map((item) => {
    const box = h('input', {
      type: 'checkbox',
      value: item.id,
      'aria-label': `Select dead letter ${item.id}`,
      onchange: () => {
        if (box.checked) selected.add(item.id);
        else selected.delete(item.id);
        updateSelection();
      },
    });
    boxes.push(box);
    return {
      attributes: { 'data-id': item.id },
      cells: [
        box,
        h('a', { href: `#/messages/${item.id}` }, `#${item.id}`),
        time(item.diedAt),
        item.vendor,
        h('span', { class: 'mono' }, item.messageId),
        number(item.attempts),
        errorText(item.lastError),
      ],
    };
  });

  let timer;
  let stopped = false;
  /** Follows the replayed messages until each is settled, so the admin sees the outcome. */
  async function follow(ids) {
    clearTimeout(timer);
    const details = await Promise.all(
      ids.map((id) => get(`/admin/messages/${id}`).catch(() => undefined)),
    );
    if (stopped) return;
    const settled = details.every(
      (detail) => detail && !['pending', 'delivering'].includes(detail.state),
    );
    fill(
      status,
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Replayed'),
        table(
          ['Message', 'Vendor', 'Message id', 'State', 'Incident'],
          details.filter(Boolean).map((detail) => ({
            attributes: { 'data-replayed': detail.id, 'data-state': detail.state },
            cells: [
              h('a', { href: `#/messages/${detail.id}` }, `#${detail.id}`),
              detail.vendor,
              h('span', { class: 'mono' }, detail.messageId),
              chip(detail.state),
              detail.incidentId ?? '–',
            ],
          })),
        ),
        settled ? null : h('p', { class: 'muted' }, 'Delivering…'),
      ),
    );
    if (!settled) timer = setTimeout(() => void follow(ids).catch(() => {}), FOLLOW_MS);
  }

  replayButton.addEventListener('click', async () => {
    const ids = [...selected];
    replayButton.disabled = true;
    try {
      const answer = await post('/admin/messages/replay', { ids });
      for (const box of boxes) {
        if (selected.has(Number(box.value))) {
          box.closest('tr').remove();
        }
      }
      selected.clear();
      fill(
        status,
        h('p', { class: 'notice', role: 'status' }, `${answer.replayed ?? 0} requeued.`),
      );
      await follow(ids);
    } catch (error) {
      fill(status, h('p', { class: 'error', role: 'alert' }, error.message));
    }
    updateSelection();
  });

  fill(
    view,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Dead letters'),
      h(
        'span',
        { class: 'muted', id: 'dead-total' },
        `${number(page.total)} in the inbox, oldest first`,
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      'B2C refused these for good, or they outlasted every retry. Fix the cause, then replay: a replay reuses the contact and incident already made.',
    ),
    status,
    h('div', { class: 'actions' }, replayButton, count),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No dead letters.')
      : table(['', 'Id', 'Died', 'Vendor', 'Message id', 'Attempts', 'Last error'], rows, {
          numeric: [5],
          wide: [3, 4, 5],
        }),
    page.next
      ? h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button', href: `#/dead-letters?after=${page.next}` }, 'Next page'),
        )
      : null,
  );
  // The header's box selects the page.
  const header = view.querySelector('thead th');
  if (header) header.append(allBox);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
