/**
 * The sender's Wire Profile option: the seeds' wire formats (`engine/message/profiles.ts`), so a
 * post from n8n passes the receiver code printed in that seed, as the engine's profiles do.
 */
import type { INodeProperties } from 'n8n-workflow';
import { PROFILES, WIRE_PROFILES, type WireProfile } from '../../engine/message/index.js';

/** The profiles' names in the node, each after its seed's product. */
const PROFILE_NAMES: Record<WireProfile, string> = {
  'admin-do': 'Admin.do (Seed 000)',
  aetherflow: 'AetherFlow (Seed 001)',
  agenticflow: 'AgenticFlow (Seed 002)',
  unified: 'Unified (Seed 003)',
  admin: 'Admin (Seed 004)',
};

export const profileProperty: INodeProperties = {
  displayName: 'Wire Profile',
  name: 'profile',
  type: 'options',
  options: [
    ...WIRE_PROFILES.map((value) => ({
      name: PROFILE_NAMES[value],
      value,
      description: `${PROFILES[value].signatureHeader}: ${PROFILES[value].summary.replaceAll('`', '')}`,
    })),
    { name: 'None', value: 'none', description: 'Use the payload format and signature below' },
  ].sort((a, b) => a.name.localeCompare(b.name)),
  default: 'none',
  description:
    "A seed's wire format, so that seed's receiver code verifies the post; it replaces the payload format and signature below",
  displayOptions: { show: { mode: ['url'] } },
};
