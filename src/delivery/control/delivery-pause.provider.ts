import type { Provider } from '@nestjs/common';
import { B2C_FLOW_CONTROL, type B2cFlowControl } from '../flow-control/b2c-flow-control.port';
import { DELIVERY_PAUSE, type DeliveryPause } from '../delivery-worker';
import { DeliveryControl } from './delivery-control.service';

/**
 * What the delivery worker holds back for: an admin's pause (no end: until resumed) or B2C's own
 * pause after 503 OSC-CREST-00035, whichever ends later. The worker sleeps at most its poll
 * interval at a time, so an endless pause costs one loop turn per interval, nothing more.
 */
export const deliveryPauseProvider: Provider = {
  provide: DELIVERY_PAUSE,
  inject: [DeliveryControl, B2C_FLOW_CONTROL],
  useFactory: (control: DeliveryControl, flow: B2cFlowControl): DeliveryPause => ({
    pausedUntil: () => (control.paused ? Number.POSITIVE_INFINITY : flow.pausedUntil()),
  }),
};
