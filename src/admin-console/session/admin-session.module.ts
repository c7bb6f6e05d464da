import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module';
import { provideOutboundTargets } from '../../allowlist/outbound/outbound-target-declaration.port';
import { AdminSessionCoreModule } from '../../admin/session/admin-session-core.module';
import { AdminSessionController } from './admin-session.controller';
import { AdminOidcController } from './oidc/admin-oidc.controller';
import { adminOidcOutboundTargets } from './oidc/admin-oidc.outbound-targets';
import { OidcSignIn } from './oidc/oidc-sign-in';

/**
 * Signing in to the admin console: the admin token (token mode) or the identity domain's OpenID
 * Connect sign-in (jwt mode), sessions as cookies, sign-out.
 */
@Module({
  imports: [AdminModule, AdminSessionCoreModule],
  controllers: [AdminSessionController, AdminOidcController],
  providers: [OidcSignIn, provideOutboundTargets('admin-oidc', adminOidcOutboundTargets)],
})
export class AdminSessionModule {}
