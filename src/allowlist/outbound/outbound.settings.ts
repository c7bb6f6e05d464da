/** `allowlist.outbound` in the gateway configuration: the outbound target allowlist. */
export class OutboundSettings {}
