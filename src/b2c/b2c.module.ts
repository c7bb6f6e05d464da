import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpModule } from '@nestjs/axios';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config';
import { MESSAGE_SINK } from '../inbox/message-sink.port';
import { B2cClient } from './b2c-client';
import { B2C_CONNECTION, b2cConnectionProvider, type B2cConnection } from './b2c-connection';
import { IncidentService } from './incident.service';

@Module({ providers: [b2cConnectionProvider], exports: [B2C_CONNECTION] })
export class B2cConnectionModule implements OnApplicationShutdown {
  constructor(@Inject(B2C_CONNECTION) private readonly connection: B2cConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.emulator?.close();
  }
}

@Module({
  imports: [
    HttpModule.registerAsync({
      imports: [B2cConnectionModule],
      inject: [B2C_CONNECTION, GatewayConfig],
      useFactory: (connection: B2cConnection, config: GatewayConfig) => {
        const agentOptions = { keepAlive: true, maxSockets: config.b2c.maxSockets };
        return {
          baseURL: `${connection.siteUrl.replace(/\/+$/, '')}/services/rest/connect/${config.b2c.apiVersion}/`,
          timeout: config.b2c.timeoutMs,
          auth: { username: connection.username, password: connection.password },
          headers: {
            'OSvC-CREST-Application-Context': config.b2c.applicationContext,
            Accept: 'application/json',
          },
          httpAgent: new HttpAgent(agentOptions),
          httpsAgent: new HttpsAgent(agentOptions),
          // A redirect from B2C is unexpected; following it could send credentials elsewhere.
          maxRedirects: 0,
        };
      },
    }),
  ],
  providers: [B2cClient, IncidentService, { provide: MESSAGE_SINK, useExisting: IncidentService }],
  exports: [MESSAGE_SINK, B2cClient],
})
export class B2cModule {}
