import type { B2cAuthProvider } from './b2c-auth-provider.port';

/**
 * `basic`: the staff account's user name and password (`b2c.username`, `b2c.password`).
 * `password` is read per request so a rotated secret applies without a restart.
 */
export function basicAuthProvider(username: string, password: () => string): B2cAuthProvider {
  return {
    mode: 'basic',
    authorization: async () =>
      `Basic ${Buffer.from(`${username}:${password()}`, 'utf8').toString('base64')}`,
    // A refused password stays refused; retrying would only count against the account lockout.
    rejected: async () => false,
  };
}

/** `session`: `Authorization: Session <id>` with the id from `b2c.sessionId`. */
export function sessionAuthProvider(sessionId: () => string): B2cAuthProvider {
  return {
    mode: 'session',
    authorization: async () => `Session ${sessionId()}`,
    // The gateway cannot open a new session by itself; an expired one needs a new id.
    rejected: async () => false,
  };
}
