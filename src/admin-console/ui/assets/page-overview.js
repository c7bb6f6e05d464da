// Overview: intake and delivery rates, the queue, dead letters, B2C, the pause, per vendor.
import { ApiError, get, post } from './api.js';
import { chip, duration, facts, fill, h, number, percent, table, time } from './dom.js';
import { labelValues, parseMetrics, total } from './metrics.js';

const REFRESH_MS = 5000;

/** The previous metrics sample, kept across visits so rates show at once on return. */
let previous;

/** A counter's change per minute between two samples (undefined until there are two). */
function perMinute(name, where, now, before) {
  if (!before) return undefined;
  const minutes = (now.at - before.at) / 60000;
  const a = total(now.samples, name, where) ?? 0;
  const b = total(before.samples, name, where) ?? 0;
  // A restarted process starts its counters again; its rate is unknown, not negative.
  return minutes > 0 && a >= b ? (a - b) / minutes : undefined;
}

function tile(label, value, sub, tone) {
  return h(
    'div',
    { class: tone ? `tile ${tone}` : 'tile', 'data-tile': label },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    sub ? h('div', { class: 'sub' }, sub) : null,
  );
}

/** What is known of B2C: the readiness check (when it shows details), B2C's pause, its answers. */
function b2cState(health, delivery, now, before) {
  const check = health?.checks?.b2c;
  if (delivery?.b2cPausedUntil && Date.parse(delivery.b2cPausedUntil) > Date.now()) {
    return {
      value: 'paused by B2C',
      tone: 'warn',
      sub: h('span', {}, 'until ', time(delivery.b2cPausedUntil)),
    };
  }
  if (check) {
    if (check.checked === false) return { value: 'not checked', sub: 'the worker is off here' };
    const tone = check.state === 'up' ? 'good' : check.state === 'down' ? 'bad' : 'warn';
    const sub = check.lastError
      ? `last error: ${check.lastError.message}`
      : `${check.latencyMs} ms`;
    return { value: check.state === 'up' ? 'reachable' : check.state, tone, sub };
  }
  // No readiness details (an older gateway, or the worker is off): judge by B2C's recent answers.
  const answered = perMinute('gateway_b2c_responses_total', {}, now, before);
  if (answered === undefined || answered === 0)
    return { value: 'unknown', sub: 'no calls to B2C lately' };
  const failed = perMinute('gateway_b2c_responses_total', { status: 'none' }, now, before) ?? 0;
  return failed >= answered
    ? { value: 'unreachable', tone: 'bad', sub: 'no answer to recent calls' }
    : { value: 'reachable', tone: 'good', sub: 'answering recent calls' };
}

function vendorTable(samples) {
  const vendors = [
    ...new Set([
      ...labelValues(samples, 'gateway_webhook_messages_total', 'vendor'),
      ...labelValues(samples, 'gateway_deliveries_total', 'vendor'),
    ]),
  ].sort();
  const rows = vendors.map((vendor) => {
    const count = (name, outcome) => total(samples, name, { vendor, outcome }) ?? 0;
    const stored = count('gateway_webhook_messages_total', 'stored');
    const resent = count('gateway_webhook_messages_total', 'duplicate');
    const delivered = count('gateway_deliveries_total', 'delivered');
    const skipped = count('gateway_deliveries_total', 'skipped');
    const retry = count('gateway_deliveries_total', 'retry');
    const dead = count('gateway_deliveries_total', 'dead');
    const attempts = delivered + skipped + retry + dead;
    return {
      attributes: { 'data-vendor': vendor },
      cells: [
        h('a', { href: `#/messages?vendor=${encodeURIComponent(vendor)}` }, vendor),
        number(stored),
        number(resent),
        number(delivered),
        number(retry),
        number(dead),
        attempts === 0 ? '–' : percent((retry + dead) / attempts),
      ],
    };
  });
  return table(
    ['Vendor', 'Received', 'Re-sent', 'Delivered', 'Retried', 'Dead', 'Failed attempts'],
    rows,
    {
      empty: 'No vendor has sent anything since this process started.',
      numeric: [1, 2, 3, 4, 5, 6],
    },
  );
}

function blockedSenders(delivery) {
  const blocked = delivery?.blockedSenders ?? [];
  if (blocked.length === 0) return null;
  return [
    h('h2', {}, 'Senders held up'),
    h(
      'p',
      { class: 'muted' },
      'Each sender’s messages go in order: these wait behind one that keeps failing.',
    ),
    table(
      ['Sender', 'Blocking message', 'Attempts', 'Next attempt', 'Last error', 'Waiting'],
      blocked.map(({ sender, blocking, waiting }) => ({
        cells: [
          h('span', { class: 'mono' }, sender),
          h('a', { href: `#/messages/${blocking.id}` }, `${blocking.vendor} ${blocking.messageId}`),
          number(blocking.attempts),
          time(blocking.nextAttemptAt),
          errorText(blocking.lastError),
          number(waiting),
        ],
      })),
      { numeric: [2, 5] },
    ),
  ];
}

function errorText(error) {
  if (error === null || error === undefined) return '–';
  if (typeof error === 'string') return error;
  return error.message ?? error.detail?.title ?? JSON.stringify(error);
}

function pauseControl(delivery, refresh, status) {
  if (!delivery) return h('p', { class: 'muted' }, 'Delivery control is not available.');
  if (delivery.paused) {
    return h(
      'div',
      { class: 'card stack', id: 'delivery' },
      h('div', {}, chip('paused'), ' Delivery is paused: messages are kept and wait.'),
      facts([
        ['Paused by', delivery.pausedBy ?? '–'],
        ['Since', time(delivery.pausedAt)],
        ['Reason', delivery.reason || '–'],
      ]),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'resume',
            onclick: (event) =>
              act(event.currentTarget, () => post('/admin/delivery/resume'), refresh, status),
          },
          'Resume delivery',
        ),
      ),
    );
  }
  const reason = h('input', {
    id: 'pause-reason',
    name: 'reason',
    maxlength: '200',
    placeholder: 'Reason (optional)',
  });
  return h(
    'div',
    { class: 'card stack', id: 'delivery' },
    h('div', {}, chip('running'), ' Delivery is running.'),
    h(
      'form',
      {
        class: 'actions',
        onsubmit: (event) => {
          event.preventDefault();
          const body = reason.value.trim() === '' ? {} : { reason: reason.value.trim() };
          void act(event.submitter, () => post('/admin/delivery/pause', body), refresh, status);
        },
      },
      h('label', { for: 'pause-reason', class: 'muted' }, 'Pause every delivery'),
      reason,
      h('button', { type: 'submit', class: 'danger', id: 'pause' }, 'Pause delivery'),
    ),
  );
}

async function act(button, action, refresh, status) {
  if (button) button.disabled = true;
  try {
    await action();
    fill(status);
  } catch (error) {
    fill(status, h('p', { class: 'error', role: 'alert' }, error.message));
  }
  await refresh();
}

export async function render(view) {
  const status = h('div', { 'aria-live': 'polite' });
  const body = h('div');
  fill(
    view,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Overview'),
      h('span', { class: 'muted', id: 'updated' }),
    ),
    status,
    body,
  );
  let timer;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    const optional = (promise) =>
      promise.catch((error) => {
        if (error instanceof ApiError && error.status === 401) throw error;
        return undefined;
      });
    const [metricsText, delivery, health, dead] = await Promise.all([
      get('/admin/metrics'),
      optional(get('/admin/delivery')),
      optional(get('/admin/health')),
      optional(get('/admin/dead-letters?limit=1')),
    ]);
    if (stopped) return;
    const now = { at: Date.now(), samples: parseMetrics(metricsText) };
    const before = previous && now.at - previous.at >= 1000 ? previous : undefined;
    const samples = now.samples;
    const intake = perMinute('gateway_webhook_messages_total', { outcome: 'stored' }, now, before);
    const delivered = perMinute('gateway_deliveries_total', { outcome: 'delivered' }, now, before);
    const pending = total(samples, 'gateway_inbox_messages', { state: 'pending' });
    const oldest = total(samples, 'gateway_inbox_oldest_pending_age_seconds');
    const deadCount = dead?.total ?? total(samples, 'gateway_inbox_messages', { state: 'dead' });
    const b2c = b2cState(health, delivery, now, before);
    const measuring = 'measuring…';
    fill(
      body,
      h(
        'div',
        { class: 'tiles' },
        tile(
          'Intake',
          intake === undefined ? measuring : `${number(intake)}/min`,
          `${number(total(samples, 'gateway_webhook_messages_total', { outcome: 'stored' }) ?? 0)} since start`,
        ),
        tile(
          'Deliveries',
          delivered === undefined ? measuring : `${number(delivered)}/min`,
          `${number(total(samples, 'gateway_deliveries_total', { outcome: 'delivered' }) ?? 0)} since start`,
        ),
        tile(
          'Queue',
          number(pending),
          `oldest waiting ${duration(oldest)}`,
          pending > 0 && oldest > 300 ? 'warn' : null,
        ),
        tile(
          'Dead letters',
          h('a', { href: '#/dead-letters' }, number(deadCount)),
          deadCount > 0 ? 'need an admin' : 'none waiting',
          deadCount > 0 ? 'bad' : 'good',
        ),
        tile('B2C', b2c.value, b2c.sub, b2c.tone),
        tile(
          'Delivery',
          delivery ? (delivery.paused ? 'paused' : 'running') : 'unknown',
          delivery?.paused ? `by ${delivery.pausedBy ?? 'an admin'}` : null,
          delivery?.paused ? 'warn' : 'good',
        ),
      ),
      h('h2', {}, 'Delivery'),
      pauseControl(delivery, refresh, status),
      blockedSenders(delivery),
      h('h2', {}, 'Vendors'),
      h('p', { class: 'muted' }, 'Counts since this gateway process started.'),
      vendorTable(samples),
    );
    fill(view.querySelector('#updated'), 'Updated ', time(new Date(now.at).toISOString()));
    if (!previous || now.at - previous.at >= 1000) previous = now;
    // The first rates come soon after the first sample; then every REFRESH_MS.
    timer = setTimeout(() => void refresh().catch(() => {}), before ? REFRESH_MS : 1500);
  }

  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
