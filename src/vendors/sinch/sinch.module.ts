import { Module } from '@nestjs/common';
import { SinchVendor } from './sinch.vendor';

@Module({ providers: [SinchVendor] })
export class SinchModule {}
