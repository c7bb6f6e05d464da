import type { FastifyRequest } from 'fastify';
import { jsonObjectBody } from '../../admin-messages/json-body';
import { GatewayError, ProblemCode } from '../../common/problem/gateway-error';

export interface SignInBody {
  /** `form`: the console's sign-in form (answered with redirects); `json`: a script. */
  kind: 'form' | 'json';
  token?: string;
  next?: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** The sign-in request's token (and, for the form, where to go next). Bodies arrive raw. */
export function readSignInBody(request: FastifyRequest): SignInBody {
  const type = String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]
    .trim()
    .toLowerCase();
  if (type === FORM) {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const form = new URLSearchParams(raw);
    return {
      kind: 'form',
      token: form.get('token') ?? undefined,
      next: form.get('next') ?? undefined,
    };
  }
  if (type === 'application/json') {
    const { token } = jsonObjectBody(request);
    if (token !== undefined && typeof token !== 'string') {
      throw new GatewayError(ProblemCode.BadRequest, 'token must be a string', {
        invalidParams: [{ name: 'token', reason: 'token must be a string' }],
      });
    }
    return { kind: 'json', token };
  }
  throw new GatewayError(
    ProblemCode.UnsupportedMediaType,
    `the body must be ${FORM} or application/json`,
  );
}

/** Where to send the browser after signing in: a path under /admin on this site, else /admin/. */
export function nextPath(next: string | undefined): string {
  const fallback = '/admin/';
  if (next === undefined || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(next, 'http://gateway.invalid');
  } catch {
    return fallback;
  }
  if (url.origin !== 'http://gateway.invalid') return fallback;
  if (url.pathname !== '/admin' && !url.pathname.startsWith('/admin/')) return fallback;
  return url.pathname + url.search + url.hash;
}
