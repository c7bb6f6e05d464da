import type {
  ConfiguredTarget,
  OutboundTargetDeclaration,
} from '../allowlist/outbound/outbound-target-declaration.port';
import { b2cRestBase } from './b2c-connection';

/** The B2C site's REST base and, with `b2c.auth=oauth`, the identity domain's token endpoint. */
export const b2cOutboundTargets: OutboundTargetDeclaration = (config) => {
  const { b2c } = config;
  const targets: ConfiguredTarget[] = [];
  if (b2c.url) {
    targets.push({ key: 'b2c.url (B2C_URL)', url: b2cRestBase(b2c.url, b2c.apiVersion) });
  }
  if (b2c.auth === 'oauth' && b2c.oauth?.tokenUrl) {
    targets.push({ key: 'b2c.oauth.tokenUrl (B2C_OAUTH_TOKEN_URL)', url: b2c.oauth.tokenUrl });
  }
  return targets;
};
