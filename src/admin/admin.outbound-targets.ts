import type { OutboundTargetDeclaration } from '../allowlist/outbound/outbound-target-declaration.port';

/** In jwt mode, the identity domain's JWKS (the keys admin tokens are verified with). */
export const adminOutboundTargets: OutboundTargetDeclaration = ({ admin }) =>
  admin.mode === 'jwt' && admin.jwt.jwksUrl
    ? [{ key: 'admin.jwt.jwksUrl (ADMIN_JWT_JWKS_URL)', url: admin.jwt.jwksUrl }]
    : [];
