import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DeliveryWorker } from '../delivery-worker';
import { DeliveryControl } from './delivery-control.service';

/**
 * Wakes this process's worker when delivery resumes, here or (heard by notification) in another
 * process, so delivery restarts at once rather than at the worker's next poll.
 */
@Injectable()
export class DeliveryWake implements OnModuleInit, OnModuleDestroy {
  private stop: (() => void) | undefined;

  constructor(
    private readonly control: DeliveryControl,
    private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.stop = this.control.onChange((state) => {
      if (!state.paused) this.worker.notify();
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
