import { Module } from '@nestjs/common';
import { VonageSmsVendor } from './vonage-sms.vendor';

@Module({ providers: [VonageSmsVendor] })
export class VonageSmsModule {}
