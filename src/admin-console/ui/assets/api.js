// The admin API, called with the session cookie. POSTs carry the session's CSRF token, which a
// page on another site cannot read, so it cannot make the browser act for the admin.

let csrfToken = '';
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `the gateway answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** What to do when the session ends (expired, signed out elsewhere): back to the sign-in. */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export function useCsrfToken(token) {
  csrfToken = token ?? '';
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401 && path !== '/admin/session') onSignedOut();
    throw new ApiError(response.status, typeof parsed === 'object' ? parsed : undefined);
  }
  return parsed;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);

/** A query string of the values given (empty ones left out). */
export function query(values) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
