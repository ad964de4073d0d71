/** Types of `scripts/n8n-diff.mjs` (the recorder), for the harness test. */
export interface RecorderOptions {
  families: string[];
  cases: string[];
  check: boolean;
  keep: boolean;
}
export declare function parseArgs(argv: string[]): RecorderOptions;
export declare function chooseCases(options: Pick<RecorderOptions, 'families' | 'cases'>): string[];
export declare function main(argv?: string[], log?: (line: string) => void): Promise<number>;
