import { Global, Module } from '@nestjs/common';
import { RefusalLog } from './refusal-log';

/** The refusal log, shared by the exception filter and the admin reference lookup. */
@Global()
@Module({ providers: [RefusalLog], exports: [RefusalLog] })
export class ProblemModule {}
