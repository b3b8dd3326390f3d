/**
 * The firewall's pino logger. Redaction paths are compiled once here (pino redact): credential
 * headers, cookies and any body never reach a log line, whatever a caller passes in.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths pino censors in every log object. */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.body',
  'res.body',
  'body',
  'apiKey',
  'key',
];

export interface LoggerOptions {
  /** `stdout`, `stderr`, or a file path (appended). */
  destination?: string;
  level?: string;
  /** A stream to write to instead (tests). */
  stream?: DestinationStream;
}

/** Create the logger. The same options come from the policy's `audit` section. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.stream ?? destinationFor(opts.destination ?? 'stdout');
  return pino({
    level: opts.level ?? 'info',
    base: { service: 'llm-firewall' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // Fastify would otherwise log full request objects; we log our own audit events instead.
    serializers: { err: pino.stdSerializers.err },
  }, dest);
}

function destinationFor(d: string): DestinationStream {
  if (d === 'stdout') return pino.destination({ dest: 1, sync: false });
  if (d === 'stderr') return pino.destination({ dest: 2, sync: false });
  return pino.destination({ dest: d, sync: false, mkdir: true, append: true });
}
