import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigError } from '../common/problem/config-error';
import { prepareConfiguration } from '../config/config.module';
import { ENVIRONMENT } from '../config/config.tokens';
import type { Environment } from '../config/load-config';
import { InboundAllowService } from './inbound/inbound-allow.service';
import { OutboundGuard } from './outbound/outbound-guard';
import { compileOutboundPolicy } from './outbound/targets/outbound-policy';

/**
 * Reloads the allow rules, in and out, on SIGHUP without a restart: the configuration is read
 * and validated again (file and environment, as at start-up), both rule sets are compiled, and
 * only when everything compiles are they swapped in. A bad new file is refused, logged with its
 * problems, and the running rules stay.
 */
@Injectable()
export class AllowlistReloadService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AllowlistReload');
  private readonly onSignal = () => void this.reload();

  constructor(
    @Inject(ENVIRONMENT) private readonly env: Environment,
    private readonly inbound: InboundAllowService,
    private readonly outbound: OutboundGuard,
  ) {}

  onApplicationBootstrap(): void {
    process.on('SIGHUP', this.onSignal);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
  }

  /** True when the new rules are in force; false when they were refused (old rules stay). */
  reload(): boolean {
    try {
      const { config } = prepareConfiguration(this.env);
      const { inbound, outbound } = config.allowlist;
      // Everything is compiled before anything is swapped: a refusal leaves both as they were.
      compileOutboundPolicy(outbound, config.nodeEnv);
      this.inbound.replace(inbound);
      this.outbound.reload(outbound, config.nodeEnv);
      this.logger.log('allow rules reloaded');
      return true;
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [String(error)];
      this.logger.error({ msg: 'allow rules NOT reloaded; the running rules stay', problems });
      return false;
    }
  }
}
