export function buildDashboard(options?: {
  outdir?: string;
  minify?: boolean;
}): Promise<{ outdir: string; files: string[] }>;
