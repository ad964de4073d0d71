/**
 * The package version, for `User-Agent: Hookline/<version>`. Taken from package.json when the code
 * is built, never written here: tsc copies the imported file next to the output (`dist/package.json`),
 * vitest reads it from the sources and esbuild inlines it into the n8n bundle, which may not read
 * files at run time.
 */
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
export const USER_AGENT = `Hookline/${VERSION}`;
