/** Where the CLI writes and reads: the process's stdio, or a capture in tests. */

/** Lines to stdout (results) and stderr (messages); `progress` and `readStdin` are optional extras. */
export interface Output {
  /** One line of the command's result, to stdout. */
  out(line: string): void;
  /** One line of diagnostics, to stderr. */
  err(line: string): void;
  /** Raw text to stderr without a newline, for a progress bar redrawn with `\r`. */
  progress?(chunk: string): void;
  /** Whether stderr is a terminal: a redrawn bar there, plain lines elsewhere. @defaultValue false */
  isTTY?: boolean;
  /** The whole of stdin. @defaultValue reads `process.stdin` */
  readStdin?(): Promise<Buffer>;
}

/** The environment the CLI reads (`HOOKLINE_URL`, `HOOKLINE_API_KEY`, the config's variables). */
export type Env = Record<string, string | undefined>;

/** The real process streams. */
export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: (chunk) => process.stderr.write(chunk),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
  readStdin: () => readStream(process.stdin),
};

/**
 * A reader that closed its end of the pipe (`hookline events | head`) has all it wanted: exit at
 * once and quietly, as Unix tools do, instead of crashing on the unhandled EPIPE of the next write.
 */
export function exitQuietlyOnClosedPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams)
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
}

/** Reads a stream to its end as bytes (the verify command needs the exact body that was signed). */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
