import { Module } from '@nestjs/common';
import { MessagebirdVendor } from './messagebird.vendor';

@Module({ providers: [MessagebirdVendor] })
export class MessagebirdModule {}
