/** The engine's structured logger (pino, as fastify uses). */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'hookline' }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type { Logger };
