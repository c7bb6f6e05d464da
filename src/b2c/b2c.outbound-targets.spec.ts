import { assertConfiguredTargetsAllowed } from '../allowlist/outbound/configured-targets';
import {
  compileOutboundPolicy,
  type OutboundPolicy,
} from '../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../allowlist/outbound/targets/outbound.settings';
import { GatewayConfig } from '../config/gateway-config';
import { b2cOutboundTargets } from './b2c.outbound-targets';

function policy(targets: string[]): OutboundPolicy {
  return compileOutboundPolicy(Object.assign(new OutboundSettings(), { targets }), 'development');
}

describe('B2C outbound targets', () => {
  it('stops start-up when the configured B2C site is not listed, naming key, target and reason', () => {
    const config = new GatewayConfig();
    config.b2c.url = 'https://mysite.custhelp.com';
    const rules = policy(['othersite.custhelp.com']);
    expect(() => assertConfiguredTargetsAllowed(rules, b2cOutboundTargets(config))).toThrow(
      'b2c.url (B2C_URL): https://mysite.custhelp.com/services/rest/connect/v1.4/ is not an allowed ' +
        'outbound target (host mysite.custhelp.com is not on the outbound allowlist)',
    );
    expect(() =>
      assertConfiguredTargetsAllowed(policy(['mysite.custhelp.com']), b2cOutboundTargets(config)),
    ).not.toThrow();
  });

  it('checks the B2C OAuth token endpoint too when b2c.auth is oauth', () => {
    const config = new GatewayConfig();
    config.b2c.url = 'https://mysite.custhelp.com';
    config.b2c.auth = 'oauth';
    config.b2c.oauth = {
      tokenUrl: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
    } as GatewayConfig['b2c']['oauth'];
    expect(() =>
      assertConfiguredTargetsAllowed(policy(['mysite.custhelp.com']), b2cOutboundTargets(config)),
    ).toThrow(
      'b2c.oauth.tokenUrl (B2C_OAUTH_TOKEN_URL): https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
    );
    expect(() =>
      assertConfiguredTargetsAllowed(
        policy(['mysite.custhelp.com', 'https://idcs-abc.identity.oraclecloud.com/oauth2/']),
        b2cOutboundTargets(config),
      ),
    ).not.toThrow();
  });
});
