import { Module } from '@nestjs/common';
import { InfobipVendor } from './infobip.vendor';

@Module({ providers: [InfobipVendor] })
export class InfobipModule {}
