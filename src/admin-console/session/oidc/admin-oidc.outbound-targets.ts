import type { OutboundTargetDeclaration } from '../../../allowlist/outbound/outbound-target-declaration.port';

/** In jwt mode, the identity domain the console's OIDC sign-in discovers and calls. */
export const adminOidcOutboundTargets: OutboundTargetDeclaration = ({ admin }) =>
  admin.mode === 'jwt' && admin.oidc.issuer
    ? [{ key: 'admin.oidc.issuer (ADMIN_OIDC_ISSUER)', url: admin.oidc.issuer }]
    : [];
