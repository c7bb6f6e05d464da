import type { AdminMode } from '../../config/admin.settings';

/** Who called an admin route, as the admin guard proved it. */
export interface AdminPrincipal {
  /** The token's `sub` (or `client_id` for a client-credentials token); `admin` for a static token. */
  subject: string;
  mode: Exclude<AdminMode, 'disabled'>;
  /** Set when a console session cookie (not a bearer token) authenticated the request. */
  session?: {
    /** Epoch milliseconds. */
    expiresAt: number;
    csrfToken: string;
  };
}
