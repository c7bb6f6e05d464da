import type { Provider } from '@nestjs/common';
import { B2cClient } from '../b2c/b2c-client';
import {
  B2C_FLOW_CONTROL,
  type B2cFlowControl,
} from '../delivery/flow-control/b2c-flow-control.port';

/** One cheap authenticated call to B2C, for readiness. Rejects when B2C did not answer 2xx. */
export interface B2cProbe {
  call(): Promise<void>;
  /**
   * The end (epoch ms) of the pause B2C asked for, as far as this process knows: until then a
   * call would only wait for its turn.
   */
  pausedUntil(): number;
}

export const B2C_PROBE = Symbol('B2cProbe');

/**
 * Contact ids start at 1, so contact 0 has no incidents.
 *
 * `GET queryResults?query=select id from incidents where primaryContact.contact.id = 0 and
 * createdTime >= '<now>'`: a ROQL query on indexed columns that always returns no rows. It goes
 * through the B2C client like any delivery call, so it proves what deliveries need: the site
 * answers, the configured authentication (Basic, OAuth token, session) is accepted, the
 * integration account may read incidents, and the client's flow control and outbound allowlist
 * let it through. It is the very query the worker makes to recover an incident create whose
 * outcome is unknown.
 */
export const b2cProbeProvider: Provider = {
  provide: B2C_PROBE,
  inject: [B2cClient, B2C_FLOW_CONTROL],
  useFactory: (client: B2cClient, flow: B2cFlowControl): B2cProbe => ({
    call: async () => {
      await client.findIncidentIds(0, Date.now());
    },
    pausedUntil: () => flow.pausedUntil(),
  }),
};
