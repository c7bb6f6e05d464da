import { Module } from '@nestjs/common';
import { PlivoVendor } from './plivo.vendor';

@Module({ providers: [PlivoVendor] })
export class PlivoModule {}
