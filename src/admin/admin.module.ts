import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AdminSessionCoreModule } from './session/admin-session-core.module';
import { OutboundAllowModule } from '../allowlist/outbound/outbound-allow.module';
import { provideOutboundTargets } from '../allowlist/outbound/outbound-target-declaration.port';
import { AdminAuthenticator } from './admin-authenticator';
import { AdminController } from './admin.controller';
import { adminOutboundTargets } from './admin.outbound-targets';
import { AdminGuard } from './admin.guard';
import { AdminStrategy } from './admin.strategy';
import { ReferenceController } from './reference.controller';

/**
 * Admin authentication (`admin.mode`: jwt, token or disabled) for `/admin/*`, detailed health
 * and metrics. Import it and put `@UseGuards(AdminGuard)` on the route, or ask
 * `AdminAuthenticator` directly where anonymous callers get a reduced answer.
 */
@Module({
  // OutboundAllowModule: the JWKS is fetched through the outbound allowlist.
  // AdminSessionCoreModule: the admin console's session cookies, accepted by the guard.
  imports: [
    PassportModule.register({ session: false }),
    OutboundAllowModule,
    AdminSessionCoreModule,
  ],
  controllers: [AdminController, ReferenceController],
  providers: [
    AdminAuthenticator,
    AdminStrategy,
    AdminGuard,
    provideOutboundTargets('admin', adminOutboundTargets),
  ],
  exports: [AdminAuthenticator, AdminGuard],
})
export class AdminModule {}
