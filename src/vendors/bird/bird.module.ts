import { Module } from '@nestjs/common';
import { BirdVendor } from './bird.vendor';

@Module({ providers: [BirdVendor] })
export class BirdModule {}
