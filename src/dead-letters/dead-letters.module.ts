import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { InboxModule } from '../inbox/inbox.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/** `/admin/dead-letters`: list and replay what the worker gave up on. */
@Module({
  imports: [InboxModule, AdminModule],
  controllers: [DeadLettersController],
  providers: [DeadLettersService],
  // The message log's replay is this one, with more ways to choose what to requeue.
  exports: [DeadLettersService],
})
export class DeadLettersModule {}
