import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { B2cModule } from '../b2c/b2c.module';
import { GatewayConfig } from '../config/gateway-config';
import { MESSAGE_SINK } from '../delivery/sink/message-sink.port';
import type { PostgresDatabase } from '../storage/postgres/postgres-database';
import { POSTGRES_DATABASE } from '../storage/storage.module';
import { VendorRegistryModule } from '../vendors/vendor-registry.module';
import { AgentNotes } from './agent-notes';
import { ConversationSink } from './conversation-sink';
import { CONVERSATION_STORE, type ConversationStore } from './conversation-store.port';
import { PostgresConversationStore } from './drivers/postgres-conversation.store';
import { SqliteConversationStore } from './drivers/sqlite-conversation.store';
import { FollowUps } from './follow-ups';
import { ReplyDelivery } from './reply-delivery';
import { ReplyStartupCheck } from './reply-startup-check';

export const CONVERSATIONS_FILE = 'conversations.sqlite';

/**
 * The delivery side of conversations: the message sink the worker calls (texts into incidents,
 * replies out as SMS, receipts) and the conversation store. The reply poll is in
 * ReplyPollerModule, as it stores into the inbox, whose module imports this one.
 */
@Module({
  imports: [B2cModule, VendorRegistryModule],
  providers: [
    {
      provide: CONVERSATION_STORE,
      useFactory: (config: GatewayConfig, database: PostgresDatabase | null): ConversationStore =>
        database
          ? new PostgresConversationStore(database)
          : new SqliteConversationStore(join(config.storage.dataDir, CONVERSATIONS_FILE)),
      inject: [GatewayConfig, POSTGRES_DATABASE],
    },
    AgentNotes,
    FollowUps,
    ReplyDelivery,
    ConversationSink,
    ReplyStartupCheck,
    { provide: MESSAGE_SINK, useExisting: ConversationSink },
  ],
  exports: [MESSAGE_SINK, CONVERSATION_STORE, B2cModule],
})
export class ConversationsModule implements OnApplicationShutdown {
  constructor(@Inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
