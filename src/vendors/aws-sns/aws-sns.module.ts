import { Module } from '@nestjs/common';
import { AwsSnsVendor } from './aws-sns.vendor';

@Module({ providers: [AwsSnsVendor] })
export class AwsSnsModule {}
