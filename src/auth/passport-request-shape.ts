/**
 * Properties passport's authenticate() (and @nestjs/passport) add to every request it sees.
 * Fastify asks for request properties to be declared up front with `decorateRequest`, so that
 * requests keep one shape instead of gaining properties per request.
 */
export const PASSPORT_REQUEST_PROPERTIES = [
  'login',
  'logIn',
  'logout',
  'logOut',
  'isAuthenticated',
  'isUnauthenticated',
  '_sessionManager',
  'authInfo',
  'user',
] as const;
