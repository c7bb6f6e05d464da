import { HttpService } from '@nestjs/axios';
import type { Provider } from '@nestjs/common';
import { OUTBOUND_HTTP, type OutboundHttp } from '../../allowlist/outbound/outbound-http.port';
import { GatewayConfig } from '../../config/gateway-config';
import { SecretsService } from '../../secrets/secrets.service';
import { B2C_CONNECTION, type B2cConnection } from '../b2c-connection';
import { B2C_AUTH_PROVIDER, type B2cAuthProvider } from './b2c-auth-provider.port';
import { installB2cAuth } from './install-b2c-auth';
import { oauthAuthProvider } from './oauth-auth.provider';
import { OAuthTokenSource } from './oauth-token-source';
import { basicAuthProvider, sessionAuthProvider } from './static-auth.providers';

/**
 * The configured `B2cAuthProvider`. Secrets are first read here, at start-up, so a missing one
 * stops the gateway before it accepts webhooks it could never deliver; later rotations are seen
 * through the secret handles.
 */
export const b2cAuthProvider: Provider = {
  provide: B2C_AUTH_PROVIDER,
  inject: [GatewayConfig, SecretsService, B2C_CONNECTION, OUTBOUND_HTTP],
  useFactory: async (
    config: GatewayConfig,
    secrets: SecretsService,
    connection: B2cConnection,
    outbound: OutboundHttp,
  ): Promise<B2cAuthProvider> => {
    switch (config.b2c.auth) {
      case 'basic':
        return basicAuthProvider(connection.username, () => connection.password);
      case 'session': {
        const sessionId = await secrets.watch('b2c.sessionId', config.b2c.sessionId ?? '');
        return sessionAuthProvider(() => sessionId.current());
      }
      case 'oauth': {
        const oauth = config.b2c.oauth!;
        const clientSecret = await secrets.watch('b2c.oauth.clientSecret', oauth.clientSecret!);
        const tokens = new OAuthTokenSource(outbound, {
          tokenUrl: oauth.tokenUrl!,
          clientId: oauth.clientId!,
          clientSecret: () => clientSecret.current(),
          scope: oauth.scope,
          refreshMarginSeconds: oauth.refreshMarginSeconds,
          timeoutMs: oauth.timeoutMs,
        });
        return oauthAuthProvider(tokens);
      }
    }
  },
};

/** Marks that the auth interceptors are on the B2C HttpService (see `b2cAuthInstaller`). */
export const B2C_AUTH_INSTALLED = Symbol('B2cAuthInstalled');

/**
 * For B2cModule's providers, beside the HttpModule whose axios instance B2cClient uses: installs
 * the configured provider's interceptors on it when the module starts.
 */
export const b2cAuthInstaller: Provider = {
  provide: B2C_AUTH_INSTALLED,
  inject: [HttpService, B2C_AUTH_PROVIDER],
  useFactory: (http: HttpService, provider: B2cAuthProvider): true => {
    installB2cAuth(http.axiosRef, provider);
    return true;
  },
};
