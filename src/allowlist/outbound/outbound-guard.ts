import { Logger } from '@nestjs/common';
import type { AgentOptions as HttpAgentOptions } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import type { OutboundRefusedError } from '../../common/problem/gateway-error';
import { checkOutboundTarget, type OutboundDecision } from './check-outbound-target';
import { GuardedHttpAgent, GuardedHttpsAgent, type ConnectionGuard } from './guarded-agents';
import { compileOutboundPolicy, type OutboundPolicy } from './targets/outbound-policy';
import type { OutboundSettings } from './targets/outbound.settings';

/**
 * The one place outbound calls are judged. Holds the policy in force (replaced whole on a
 * reload, so a bad new configuration leaves the old one), checks URLs, makes the guarded agents
 * every outbound client must use, and logs every refusal.
 */
export class OutboundGuard implements ConnectionGuard {
  private readonly logger = new Logger('Outbound');
  private current: OutboundPolicy;

  constructor(policy: OutboundPolicy) {
    this.current = policy;
    this.warnIfHttpAllowed();
  }

  policy(): OutboundPolicy {
    return this.current;
  }

  /** Compiles new settings and swaps them in; throws ConfigError (old policy kept) if bad. */
  reload(settings: OutboundSettings, nodeEnv: string): void {
    this.current = compileOutboundPolicy(settings, nodeEnv);
    this.warnIfHttpAllowed();
  }

  /** The decision for one URL; a refusal is logged here. */
  check(url: string | URL, purpose: string): OutboundDecision {
    const decision = checkOutboundTarget(url, this.current);
    if (!decision.allowed) this.refused(decision.error, purpose);
    return decision;
  }

  /** Throws the (logged) OutboundRefusedError when the URL is not allowed. */
  assertAllowed(url: string | URL, purpose: string): Extract<OutboundDecision, { allowed: true }> {
    const decision = this.check(url, purpose);
    if (!decision.allowed) throw decision.error;
    return decision;
  }

  refused(error: OutboundRefusedError, purpose: string): void {
    this.logger.warn({
      msg: error.message,
      event: 'outbound-refused',
      target: error.target,
      reason: error.reason,
      purpose,
    });
  }

  createHttpsAgent(options: HttpsAgentOptions = {}): GuardedHttpsAgent {
    return new GuardedHttpsAgent(this, options);
  }

  createHttpAgent(options: HttpAgentOptions = {}): GuardedHttpAgent {
    return new GuardedHttpAgent(this, options);
  }

  private warnIfHttpAllowed(): void {
    if (!this.current.allowHttpForDevelopment) return;
    const listed = this.current.targets.filter((target) => target.scheme === 'http:');
    this.logger.warn(
      '*** allowlist.outbound.allowHttpForDevelopment is ON: plain, unencrypted http is allowed to ' +
        `${listed.map((target) => target.entry).join(', ') || '(no http target listed)'}. ` +
        'For development only; refused with NODE_ENV=production. ***',
    );
  }
}
