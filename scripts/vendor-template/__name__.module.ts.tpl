import { Module } from '@nestjs/common';
import { __Name__Vendor } from './__name__.vendor';

@Module({ providers: [__Name__Vendor] })
export class __Name__Module {}
