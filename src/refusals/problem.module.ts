import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { StorageModule } from '../storage/storage.module';
import { ProblemFilter } from './problem.filter';
import { refusalLogProvider } from './refusal-log.provider';
import { REFUSAL_LOG } from './refusal-log.port';

/**
 * The exception filter that turns every error into problem+json, and the refusal log it shares
 * with the admin reference lookup.
 */
@Global()
@Module({
  // The refusal log of the `postgres` driver lives in the shared database.
  imports: [StorageModule],
  providers: [refusalLogProvider, { provide: APP_FILTER, useClass: ProblemFilter }],
  exports: [REFUSAL_LOG],
})
export class ProblemModule {}
