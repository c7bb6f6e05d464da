import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { InboxModule } from '../inbox/inbox.module';
import { DeliveryControlModule } from './control/delivery-control.module';
import { DeliveryWorker } from './delivery-worker';

/**
 * The delivery worker. It imports the inbox (its store), ConversationsModule (the message sink:
 * B2C incidents and follow-ups) and DeliveryControlModule (DELIVERY_PAUSE, the admin's pause and
 * B2C's). Importing the inbox makes Nest stop the worker before the inbox closes its store.
 */
@Module({
  imports: [InboxModule, ConversationsModule, DeliveryControlModule],
  providers: [DeliveryWorker],
  exports: [DeliveryWorker],
})
export class DeliveryModule {}
