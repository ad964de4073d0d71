/** Types of `scripts/build-n8n.mjs`, for the TypeScript tests that import it. */
export interface N8nPackageJson {
  name: string;
  version: string;
  keywords: string[];
  n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
  peerDependencies: Record<string, string>;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}
/** Builds `dist-n8n/` and checks every bundle loads as n8n loads it. */
export declare function buildN8nPackage(): Promise<{ outRoot: string; pkg: N8nPackageJson; tookMs: number }>;
