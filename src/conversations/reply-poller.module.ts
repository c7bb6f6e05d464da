import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { ConversationsModule } from './conversations.module';
import { ReplyPoller } from './reply-poller';

/** The poll for agents' responses (conversations.replies.enabled). */
@Module({
  imports: [InboxModule, ConversationsModule],
  providers: [ReplyPoller],
  exports: [ReplyPoller],
})
export class ReplyPollerModule {}
