import { HttpModule, HttpService } from '@nestjs/axios';
import { Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { guardAxiosInstance, guardedAxiosDefaults } from '../allowlist/outbound/guarded-axios';
import { OutboundAllowModule } from '../allowlist/outbound/outbound-allow.module';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { provideOutboundTargets } from '../allowlist/outbound/outbound-target-declaration.port';
import { GatewayConfig } from '../config/gateway-config';
import { StorageModule } from '../storage/storage.module';
import { b2cAuthInstaller, b2cAuthProvider } from './auth/b2c-auth.provider';
import { B2cCallEvents } from './b2c-call-events';
import { B2cClient } from './b2c-client';
import { B2C_CONNECTION, b2cConnectionProvider, type B2cConnection } from './b2c-connection';
import { b2cOutboundTargets } from './b2c.outbound-targets';
import { B2cFlowControlModule } from '../delivery/flow-control/b2c-flow-control.module';
import { ATTEMPT_CALLS } from '../delivery/attempt-calls.port';
import { IncidentService } from './incident.service';

@Module({
  imports: [OutboundAllowModule],
  // The site and token URLs, checked against the outbound allowlist at start-up.
  providers: [b2cConnectionProvider, provideOutboundTargets('b2c', b2cOutboundTargets)],
  exports: [B2C_CONNECTION],
})
export class B2cConnectionModule implements OnApplicationShutdown {
  constructor(@Inject(B2C_CONNECTION) private readonly connection: B2cConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.emulator?.close();
  }
}

/**
 * Puts the outbound guard's request interceptor on the B2C axios instance. Listed before the
 * auth installer so it is registered first and so runs last (axios runs request interceptors
 * in reverse order of registration); the guarded adapter checks the final URL regardless.
 */
const b2cOutboundGuardInstaller: Provider = {
  provide: Symbol('B2cOutboundGuardInstalled'),
  inject: [HttpService],
  useFactory: (http: HttpService): true => {
    guardAxiosInstance(http.axiosRef);
    return true;
  },
};

/**
 * StorageModule (global, one instance) is imported here too so that B2cModule resolves its
 * database on its own; being global, it still closes last.
 */
@Module({
  imports: [
    StorageModule,
    B2cFlowControlModule,
    B2cConnectionModule,
    HttpModule.registerAsync({
      imports: [B2cConnectionModule],
      inject: [B2C_CONNECTION, GatewayConfig, OutboundGuard],
      useFactory: (connection: B2cConnection, config: GatewayConfig, outbound: OutboundGuard) => {
        return {
          baseURL: `${connection.siteUrl.replace(/\/+$/, '')}/services/rest/connect/${config.b2c.apiVersion}/`,
          timeout: config.b2c.timeoutMs,
          // No `auth` here: the configured B2cAuthProvider sets Authorization per request.
          headers: {
            'OSvC-CREST-Application-Context': config.b2c.applicationContext,
            Accept: 'application/json',
          },
          // Agents that refuse off-list hosts, an adapter that checks every final URL, no
          // proxy, and no redirects (one from B2C could send credentials elsewhere).
          ...guardedAxiosDefaults(outbound, { purpose: 'b2c', maxSockets: config.b2c.maxSockets }),
        };
      },
    }),
  ],
  providers: [
    B2cClient,
    B2cCallEvents,
    IncidentService,
    b2cOutboundGuardInstaller,
    b2cAuthProvider,
    b2cAuthInstaller,
    { provide: ATTEMPT_CALLS, useExisting: B2cCallEvents },
  ],
  // The worker's DELIVERY_PAUSE (B2C's pause and the admin's) is DeliveryControlModule's.
  exports: [IncidentService, B2cClient, B2cCallEvents, ATTEMPT_CALLS, B2cFlowControlModule],
})
export class B2cModule {}
