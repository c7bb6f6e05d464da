import { Module } from '@nestjs/common';
import { TelnyxVendor } from './telnyx.vendor';

@Module({ providers: [TelnyxVendor] })
export class TelnyxModule {}
