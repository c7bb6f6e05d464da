import { Module } from '@nestjs/common';
import { VonageMessagesVendor } from './vonage-messages.vendor';

@Module({ providers: [VonageMessagesVendor] })
export class VonageMessagesModule {}
