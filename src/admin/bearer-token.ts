import { AdminUnauthorizedError } from '../common/problem/gateway-error';

/**
 * The token of `Authorization: Bearer <token>`. Nothing else is read: no other header, no query
 * parameter, no cookie, so a vendor's signature headers can never stand in for admin credentials.
 */
export function bearerToken(authorization: string | string[] | undefined): string {
  if (authorization === undefined || authorization === '') {
    throw new AdminUnauthorizedError('no credentials: send Authorization: Bearer <token>');
  }
  if (Array.isArray(authorization)) {
    throw new AdminUnauthorizedError('more than one Authorization header');
  }
  const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(authorization);
  if (!match) {
    const scheme = authorization.trim().split(/\s+/, 1)[0];
    throw new AdminUnauthorizedError(
      /^bearer$/i.test(scheme)
        ? 'the bearer token is empty or not token68 characters'
        : 'admin routes accept only Authorization: Bearer <token>',
    );
  }
  return match[1];
}
