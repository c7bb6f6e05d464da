import { Module } from '@nestjs/common';
import { TwilioVendor } from './twilio.vendor';

@Module({ providers: [TwilioVendor] })
export class TwilioModule {}
