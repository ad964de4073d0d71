/** Types of `scripts/n8n-install.mjs`, for the TypeScript tests that import it. */
export declare const N8N_VERSION: string;
export declare function n8nInstallDir(version?: string): string;
export interface N8nInstall {
  /** The cache folder holding `node_modules/n8n`. */
  dir: string;
  /** `node_modules/n8n/bin/n8n`, to run with `node`. */
  bin: string;
  version: string;
  /** True when this call installed n8n; false when the cached install was reused. */
  installed: boolean;
  /** How long this call's `npm install` took; 0 when reused. */
  installMs: number;
}
export declare function ensureN8n(options?: { version?: string; log?: (line: string) => void }): Promise<N8nInstall>;
/** A TCP port free on 127.0.0.1 right now. */
export declare function freePort(): Promise<number>;
/** Environment for an isolated n8n on 127.0.0.1 with its own user folder. */
export declare function n8nEnv(options: {
  userFolder: string;
  port: number;
  brokerPort: number;
  logLevel?: string;
}): Record<string, string | undefined>;
