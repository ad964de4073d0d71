import { describe, expect, it } from 'vitest';
import { createRecoveryProbes } from '../../../engine/delivery/recovery-probe.js';
import { makeSubscription, T0 } from '../../helpers/records.js';

const PROBE_MS = 60_000;
const LOOK_MS = 1_000;
const failing = (fields = {}) => makeSubscription({ consecutiveFailures: 7, ...fields });

describe('recovery probes', () => {
  it('sends no probe to an endpoint that is not failing', () => {
    const probes = createRecoveryProbes({ probeEveryMs: PROBE_MS, lookEveryMs: LOOK_MS });
    expect(probes.probeTriedBeforeMs(makeSubscription({ ordered: true }), false, T0)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(makeSubscription({ ordered: false }), true, T0)).toBeUndefined();
  });

  it('lets every claim of a failing ordered endpoint probe a head tried an interval ago', () => {
    const probes = createRecoveryProbes({ probeEveryMs: PROBE_MS, lookEveryMs: LOOK_MS });
    const endpoint = failing({ ordered: true });
    expect(probes.probeTriedBeforeMs(endpoint, false, T0)).toBe(T0 - PROBE_MS);
    expect(probes.probeTriedBeforeMs(endpoint, false, T0 + 1)).toBe(T0 + 1 - PROBE_MS);
  });

  it('passes an open circuit of an ordered endpoint once per look', () => {
    const probes = createRecoveryProbes({ probeEveryMs: PROBE_MS, lookEveryMs: LOOK_MS });
    const endpoint = failing({ ordered: true });
    expect(probes.probeTriedBeforeMs(endpoint, true, T0)).toBe(T0 - PROBE_MS);
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + LOOK_MS - 1)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + LOOK_MS)).toBe(T0 + LOOK_MS - PROBE_MS);
  });

  it('lets one message of an unordered endpoint pass its open circuit per interval, the first an interval on', () => {
    const probes = createRecoveryProbes({ probeEveryMs: PROBE_MS, lookEveryMs: LOOK_MS });
    const endpoint = failing({ ordered: false });
    expect(probes.probeTriedBeforeMs(endpoint, false, T0)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + PROBE_MS - 1)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + PROBE_MS)).toBeDefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + PROBE_MS + LOOK_MS)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(endpoint, true, T0 + 2 * PROBE_MS)).toBeDefined();
  });

  it('starts afresh once the endpoint recovered', () => {
    const probes = createRecoveryProbes({ probeEveryMs: PROBE_MS, lookEveryMs: LOOK_MS });
    probes.probeTriedBeforeMs(failing({ ordered: false }), true, T0);
    probes.probeTriedBeforeMs(makeSubscription({ ordered: false }), false, T0 + 1);
    expect(probes.probeTriedBeforeMs(failing({ ordered: false }), true, T0 + 2)).toBeUndefined();
    expect(probes.probeTriedBeforeMs(failing({ ordered: false }), true, T0 + 2 + PROBE_MS)).toBeDefined();
  });
});
