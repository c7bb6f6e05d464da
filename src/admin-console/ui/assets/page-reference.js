// A reference id a vendor quoted from a refusal: what it means, and the refusal's log line.
import { get } from './api.js';
import { facts, fill, h, json, time } from './dom.js';

export async function render(view, { id }) {
  const input = h('input', {
    id: 'reference-id',
    name: 'id',
    required: true,
    value: id ? decodeURIComponent(id) : '',
    placeholder: '18.4f2a9c1e.1733500000.1b2',
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const result = h('div', { id: 'reference-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card actions', role: 'search' },
    h('label', { for: 'reference-id' }, 'Reference id'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Look up'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/reference/${encodeURIComponent(input.value.trim())}`;
  });
  fill(
    view,
    h('h1', {}, 'Reference id lookup'),
    h(
      'p',
      { class: 'muted' },
      'Every refusal the gateway answers carries a reference id. Paste one a vendor quoted to see why it was refused.',
    ),
    form,
    result,
  );
  if (!id) return;
  try {
    const answer = await get(`/admin/references/${encodeURIComponent(decodeURIComponent(id))}`);
    const decoded = answer.decoded ?? {};
    fill(
      result,
      h(
        'section',
        { class: 'card' },
        h('h2', {}, h('span', { class: 'mono' }, answer.referenceId)),
        facts([
          ['Reason', `${decoded.reasonText ?? '–'} (${decoded.reason ?? '?'})`],
          ['Refused at', time(decoded.time)],
          ['Instance', h('span', { class: 'mono' }, decoded.instance ?? '–')],
          ['Request', h('span', { class: 'mono' }, decoded.request ?? '–')],
        ]),
        h('h3', {}, 'Log line'),
        answer.line
          ? json(answer.line)
          : h(
              'p',
              { class: 'muted' },
              'No longer kept here: look for the reference id in the gateway’s log.',
            ),
      ),
    );
  } catch (error) {
    fill(result, h('p', { class: 'error', role: 'alert' }, error.message));
  }
}
