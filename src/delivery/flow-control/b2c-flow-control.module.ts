import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { B2C_FLOW_CONTROL, type B2cFlowControl } from './b2c-flow-control.port';
import { b2cFlowControlProvider } from './b2c-flow-control.provider';

/**
 * Flow control towards B2C, for the B2C client (its turn before each call) and for delivery (the
 * pause B2C asked for). Imported by both, so neither imports the other for it.
 */
@Module({
  providers: [b2cFlowControlProvider],
  exports: [B2C_FLOW_CONTROL],
})
export class B2cFlowControlModule implements OnApplicationShutdown {
  constructor(@Inject(B2C_FLOW_CONTROL) private readonly flow: B2cFlowControl) {}

  /**
   * Imported by the B2C module, which the inbox imports (through ConversationsModule): Nest stops
   * the worker, and its grace period for deliveries under way, before this runs; a delivery still
   * waiting on a pause then ends.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.flow.close();
  }
}
