/** `allowlist.inbound` in the gateway configuration: source groups, path groups and rules. */
export class InboundRulesSettings {}
