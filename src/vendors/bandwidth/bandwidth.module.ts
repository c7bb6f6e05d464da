import { Module } from '@nestjs/common';
import { BandwidthVendor } from './bandwidth.vendor';

@Module({ providers: [BandwidthVendor] })
export class BandwidthModule {}
