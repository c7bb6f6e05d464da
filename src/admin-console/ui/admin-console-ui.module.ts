import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module';
import { AdminConsoleUiController } from './admin-console-ui.controller';

/** The admin console's pages and files (`/admin/`); the data is the admin API's. */
@Module({
  imports: [AdminModule],
  controllers: [AdminConsoleUiController],
})
export class AdminConsoleUiModule {}
