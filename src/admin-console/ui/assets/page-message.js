// One message's timeline: received, each delivery attempt with its B2C calls, replays, outcome.
import { get, post } from './api.js';
import { chip, facts, fill, h, json, number, table, time } from './dom.js';

/** While a message is still on its way the page follows it. */
const FOLLOW_MS = 1500;

function errorSummary(error) {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return error;
  if (error.message) return error.message;
  const detail = error.detail ?? {};
  const parts = [
    detail.status && `HTTP ${detail.status}`,
    detail.errorCode,
    detail.title,
    detail.detail,
  ].filter(Boolean);
  return parts.length > 0 ? [...new Set(parts)].join(' · ') : JSON.stringify(error);
}

function callsTable(calls) {
  if (!Array.isArray(calls) || calls.length === 0) return null;
  return table(
    ['Call', 'Status', 'Error code', 'Took'],
    calls.map((call) => ({
      cells: [
        h('span', { class: 'mono' }, `${call.method ?? ''} ${call.path ?? ''}`),
        call.status ?? 'no answer',
        call.errorCode ?? '–',
        call.durationMs === undefined ? '–' : `${number(call.durationMs)} ms`,
      ],
    })),
    { numeric: [3] },
  );
}

/** The attempt history: delivery attempts and admins' replays, oldest first. */
const historyOf = (detail) => (Array.isArray(detail.history) ? detail.history : []);

const TONES = { delivered: 'good', skipped: 'good', dead: 'bad', retry: 'warn', released: 'info' };

function events(detail) {
  const list = [];
  list.push({
    at: detail.received,
    tone: 'info',
    what: `Received from ${detail.vendor}`,
    more:
      detail.duplicates > 0
        ? h(
            'div',
            { class: 'muted' },
            `The vendor sent it ${detail.duplicates} more time(s); kept once.`,
          )
        : null,
  });
  for (const entry of historyOf(detail)) {
    if (entry.kind === 'replay') {
      list.push({
        at: entry.startedAt,
        tone: 'info',
        what: h('span', {}, chip('replayed'), ` by ${entry.by ?? 'an admin'}`),
      });
      continue;
    }
    list.push({
      at: entry.startedAt,
      tone: TONES[entry.outcome] ?? 'warn',
      what: h('span', {}, `Attempt ${entry.attempt ?? ''} `, chip(entry.outcome)),
      more: [
        h('div', { class: 'muted' }, `took ${number(entry.durationMs)} ms`),
        entry.error ? h('div', { class: 'error' }, errorSummary(entry.error)) : null,
        entry.callsOmitted > 0
          ? h('div', { class: 'muted' }, `${entry.callsOmitted} earlier call(s) not kept`)
          : null,
        callsTable(entry.calls),
      ],
    });
  }
  const end = { at: detail.updated };
  if (detail.state === 'delivered') {
    list.push({
      ...end,
      tone: 'good',
      what: h(
        'span',
        {},
        chip('delivered'),
        detail.incidentId ? ` to incident ${detail.incidentId}` : '',
      ),
    });
  } else if (detail.state === 'skipped') {
    list.push({
      ...end,
      tone: 'good',
      what: h('span', {}, chip('skipped'), ' nothing to deliver'),
    });
  } else if (detail.state === 'dead') {
    list.push({
      ...end,
      tone: 'bad',
      what: h('span', {}, chip('dead'), ' delivery gave up'),
      more: detail.lastError ? h('div', { class: 'error' }, errorSummary(detail.lastError)) : null,
    });
  } else if (detail.state === 'delivering') {
    list.push({
      at: detail.leaseExpires,
      tone: 'info',
      what: h('span', {}, chip('delivering'), ' being delivered now'),
    });
  } else {
    list.push({
      at: detail.nextAttempt,
      tone: 'warn',
      what: h('span', {}, chip('pending'), ' next attempt due'),
    });
  }
  // Stable by time; undated entries keep their place.
  return list
    .map((entry, index) => ({ ...entry, index }))
    .sort(
      (a, b) => (Date.parse(a.at ?? '') || 0) - (Date.parse(b.at ?? '') || 0) || a.index - b.index,
    );
}

function draw(view, detail, onReplay) {
  const normalized = detail.normalized ?? {};
  fill(
    view,
    h('p', {}, h('a', { href: '#/messages' }, '← Messages')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, `Message #${detail.id} `, chip(detail.state)),
      detail.state === 'dead'
        ? h(
            'button',
            { type: 'button', class: 'primary', id: 'replay-message', onclick: onReplay },
            'Replay',
          )
        : null,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Timeline'),
        h(
          'ol',
          { class: 'timeline', id: 'timeline' },
          events(detail).map((entry) =>
            h(
              'li',
              { class: entry.tone },
              h('div', { class: 'when' }, time(entry.at)),
              h('div', { class: 'what' }, entry.what),
              entry.more,
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Message'),
        facts([
          ['Vendor', detail.vendor],
          ['Message id', h('span', { class: 'mono' }, detail.messageId)],
          ['Kind', detail.kind],
          ['Sender', h('span', { class: 'mono' }, detail.sender)],
          normalized.to ? ['To', h('span', { class: 'mono' }, normalized.to)] : null,
          ['Failed attempts', number(detail.attempts)],
          ['Incident', detail.incidentId ?? '–'],
          ['Contact', detail.contactId ?? '–'],
          ['Received', time(detail.received)],
          ['Updated', time(detail.updated)],
        ]),
        normalized.text !== undefined ? [h('h3', {}, 'Text'), h('pre', {}, normalized.text)] : null,
        h('details', {}, h('summary', {}, 'Vendor payload'), json(detail.raw)),
        h('details', {}, h('summary', {}, 'Normalized message'), json(normalized)),
        h('details', {}, h('summary', {}, 'Delivery checkpoint'), json(detail.checkpoint ?? {})),
      ),
    ),
  );
}

export async function render(view, { id }) {
  let timer;
  let stopped = false;
  let notice = null;
  async function load() {
    clearTimeout(timer);
    const detail = await get(`/admin/messages/${encodeURIComponent(id)}`);
    if (stopped) return;
    draw(view, detail, async (event) => {
      event.currentTarget.disabled = true;
      try {
        const answer = await post('/admin/messages/replay', { ids: [detail.id] });
        notice = h(
          'p',
          { class: 'notice', role: 'status' },
          `${answer.replayed ?? answer.requeued ?? 0} message requeued.`,
        );
      } catch (error) {
        notice = h('p', { class: 'error', role: 'alert' }, error.message);
      }
      await load();
    });
    if (notice) view.querySelector('.page-head').after(notice);
    if (detail.state === 'pending' || detail.state === 'delivering') {
      timer = setTimeout(() => void load().catch(() => {}), FOLLOW_MS);
    }
  }
  await load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
