/**
 * The trusted proxies (`TrustedProxies`) the inbound guard believes the VCN OCID header from.
 * `InboundAllowModule` provides it from `config.server.trustedProxies`; override it to wire
 * another source.
 */
export const INBOUND_TRUSTED_PROXIES = Symbol('INBOUND_TRUSTED_PROXIES');
