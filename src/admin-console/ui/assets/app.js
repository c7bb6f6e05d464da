// The console's entry: checks the session, then draws the page the location's hash names.
import { ApiError, get, post, useCsrfToken, whenSignedOut } from './api.js';
import { fill, h } from './dom.js';
import * as overview from './page-overview.js';
import * as messages from './page-messages.js';
import * as message from './page-message.js';
import * as deadLetters from './page-dead-letters.js';
import * as config from './page-config.js';
import * as reference from './page-reference.js';

const view = document.getElementById('view');
const signIn = document.getElementById('sign-in');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** `#/messages/12?x=1` → the page, its path parameter and its query. */
function routeOf(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(search);
  if (parts.length === 0) return { page: overview, name: 'overview', params };
  if (parts[0] === 'messages' && parts[1])
    return { page: message, name: 'messages', id: parts[1], params };
  const pages = { messages, 'dead-letters': deadLetters, config, reference };
  const page = pages[parts[0]];
  if (page) return { page, name: parts[0], id: parts[1], params };
  return { page: undefined, name: '', params };
}

let stopCurrent = () => {};
let drawing = 0;

async function draw() {
  stopCurrent();
  stopCurrent = () => {};
  const current = (drawing += 1);
  const route = routeOf(location.hash);
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === route.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!route.page) {
    fill(
      view,
      h('h1', {}, 'Not found'),
      h('p', {}, h('a', { href: '#/' }, 'Back to the overview')),
    );
    return;
  }
  view.setAttribute('aria-busy', 'true');
  try {
    const stop = await route.page.render(view, route);
    if (current === drawing && typeof stop === 'function') stopCurrent = stop;
    else if (typeof stop === 'function') stop();
  } catch (error) {
    if (current !== drawing) return;
    if (error instanceof ApiError && error.status === 401) return;
    fill(
      view,
      h('h1', {}, 'Something went wrong'),
      h('p', { class: 'error' }, String(error.message)),
    );
  } finally {
    if (current === drawing) view.removeAttribute('aria-busy');
  }
}

function showSignIn(message) {
  stopCurrent();
  view.hidden = true;
  nav.hidden = true;
  who.hidden = true;
  signIn.hidden = false;
  if (message) signIn.append(h('p', { class: 'error', role: 'alert' }, message));
}

async function start() {
  let session;
  try {
    session = await get('/admin/session');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) {
      showSignIn(`The gateway could not check the session: ${error.message}`);
    } else if (error.problem?.signIn === null) {
      // jwt mode without the identity domain's sign-in configured: the link would only fail.
      for (const link of signIn.querySelectorAll('a')) link.remove();
      showSignIn(
        'The console has no sign-in configured here (admin.oidc in jwt mode). Use the admin API with a bearer token.',
      );
    }
    return;
  }
  if (location.pathname.endsWith('/sign-in')) {
    location.replace('./#/');
    return;
  }
  useCsrfToken(session.csrfToken);
  whenSignedOut(() => showSignIn('Your session has ended. Sign in again.'));
  signIn.hidden = true;
  nav.hidden = false;
  who.hidden = false;
  document.getElementById('subject').textContent = session.subject ?? '';
  view.hidden = false;
  document.getElementById('sign-out').addEventListener('click', async () => {
    try {
      await post('/admin/session/logout');
    } finally {
      location.replace('./');
    }
  });
  window.addEventListener('hashchange', () => void draw());
  await draw();
}

void start();
