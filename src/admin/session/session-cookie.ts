/** The console's session cookie: a sealed session (see `AdminSessions`), sent under /admin only. */
export const SESSION_COOKIE = 'gw_admin_session';
export const SESSION_COOKIE_PATH = '/admin';

/** The OIDC sign-in's state, verifier and nonce between the redirect and the callback. */
export const OIDC_COOKIE = 'gw_admin_oidc';
export const OIDC_COOKIE_PATH = '/admin/oidc';

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
  /**
   * `Strict` for the session: never sent with a request another site starts. The OIDC cookie is
   * `Lax`: the callback is a top-level navigation started by the identity domain's site, which a
   * `Strict` cookie would not accompany.
   */
  sameSite: 'Strict' | 'Lax';
}

/** The value of cookie `name` in a Cookie header; undefined when absent or sent twice. */
export function readCookie(
  header: string | string[] | undefined,
  name: string,
): string | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join('; ') : header;
  const values: string[] = [];
  for (const pair of text.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    values.push(pair.slice(equals + 1).trim());
  }
  // Two values (e.g. one planted for a wider path) cannot be told apart: trust neither.
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

/** A Set-Cookie value. Values here are JWE compact tokens (base64url and dots): no quoting. */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  const expires = new Date(Date.now() + options.maxAgeSeconds * 1000).toUTCString();
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    `Expires=${expires}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** A Set-Cookie value that makes the browser drop the cookie. */
export function clearCookie(name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>): string {
  return [
    `${name}=`,
    `Path=${options.path}`,
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
