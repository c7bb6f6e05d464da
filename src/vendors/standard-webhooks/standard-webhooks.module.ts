import { Module } from '@nestjs/common';
import { StandardWebhooksVendor } from './standard-webhooks.vendor';

@Module({ providers: [StandardWebhooksVendor] })
export class StandardWebhooksModule {}
