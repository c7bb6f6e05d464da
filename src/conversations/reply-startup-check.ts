import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { checkOutboundTarget } from '../allowlist/outbound/check-outbound-target';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { TARGETS_KEY } from '../allowlist/outbound/targets/outbound-policy';
import { ConfigError } from '../common/problem/config-error';
import { GatewayConfig } from '../config/gateway-config';
import { VendorRegistry } from '../vendors/vendor-registry';

/**
 * With replies on, every enabled vendor either can send (its send settings present, its API on
 * the outbound allowlist) or says at start-up that it cannot: better a clear stop than replies
 * that dead-letter one by one.
 */
@Injectable()
export class ReplyStartupCheck implements OnModuleInit {
  private readonly logger = new Logger('Replies');

  constructor(
    private readonly config: GatewayConfig,
    private readonly registry: VendorRegistry,
    private readonly outbound: OutboundGuard,
  ) {}

  onModuleInit(): void {
    if (!this.config.conversations.replies.enabled) return;
    const problems: string[] = [];
    const sending: string[] = [];
    for (const name of this.registry.enabledNames()) {
      const enabled = this.registry.get(name)!;
      const sender = enabled.vendor.sender;
      if (!sender) {
        this.logger.warn(
          `vendor ${name} has no send API: agents' responses to its customers are not sent ` +
            '(the agent is told in a Note)',
        );
        continue;
      }
      const settings = enabled.settings();
      for (const key of sender.missingSettings(settings)) {
        problems.push(
          `vendors.${name}.${key}: is required to send replies (conversations.replies.enabled)`,
        );
      }
      for (const url of sender.targets(settings)) {
        const decision = checkOutboundTarget(url, this.outbound.policy());
        if (!decision.allowed) {
          problems.push(
            `vendors.${name}: its send API ${decision.error.target} is not an allowed outbound ` +
              `target (${decision.error.reason}); list it in ${TARGETS_KEY}`,
          );
        }
      }
      sending.push(name);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    this.logger.log(`agents' responses go back as SMS through: ${sending.join(', ') || '(none)'}`);
  }
}
