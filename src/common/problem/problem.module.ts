import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ProblemFilter } from './problem.filter';
import { RefusalLog } from './refusal-log';

/**
 * The exception filter that turns every error into problem+json, and the refusal log it shares
 * with the admin reference lookup.
 */
@Global()
@Module({
  providers: [RefusalLog, { provide: APP_FILTER, useClass: ProblemFilter }],
  exports: [RefusalLog],
})
export class ProblemModule {}
