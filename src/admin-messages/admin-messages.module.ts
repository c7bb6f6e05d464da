import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { InboxModule } from '../inbox/inbox.module';
import { AdminMessagesController } from './admin-messages.controller';
import { MessageLogService } from './message-log.service';

/** `/admin/messages`: the message log (search, one message, replay by ids or by filter). */
@Module({
  imports: [InboxModule, AdminModule, DeadLettersModule],
  controllers: [AdminMessagesController],
  providers: [MessageLogService],
})
export class AdminMessagesModule {}
