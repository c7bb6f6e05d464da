import { Module } from '@nestjs/common';
import { ADMIN_SESSION_AUTHENTICATOR } from './admin-session.port';
import { AdminSessions } from './admin-sessions';

/**
 * The console's session cookies, for the admin guard (AdminModule imports this) and the sign-in
 * routes. Needs only the configuration and the secrets, both global, so AdminModule can import it
 * without a cycle.
 */
@Module({
  providers: [AdminSessions, { provide: ADMIN_SESSION_AUTHENTICATOR, useExisting: AdminSessions }],
  exports: [AdminSessions, ADMIN_SESSION_AUTHENTICATOR],
})
export class AdminSessionCoreModule {}
