/**
 * The engine's structured logger (pino, as fastify uses). Modules take the one `Logger` type; a
 * module that only warns still takes a `Logger`, so a test hands in the same kind of object.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'hookline' }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type { Logger };
