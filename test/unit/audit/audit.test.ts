// Covers: the audit module — pino redaction of credentials and bodies whatever the caller logs,
// the audit event's level and metrics accounting. Starts nothing.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { auditEvent, createLogger, createMetrics } from '../../../src/audit/index.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ stream: new Writable({ write(c, _e, cb) { lines.push(c.toString()); cb(); } }) });
  return { logger, text: () => lines.join('') };
}

describe('audit logger', () => {
  it('censors authorization, x-api-key, cookies and bodies', () => {
    const { logger, text } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer fwk_SECRET1', 'x-api-key': 'fwk_SECRET2', cookie: 'sid=SECRET3' }, body: { content: 'SECRET4' } }, body: 'SECRET5', apiKey: 'SECRET6' });
    for (const s of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6']) expect(text()).not.toContain(s);
    expect(text()).toContain('[redacted]');
  });

  it('writes audit events at info (warn for failures) and counts them in metrics', async () => {
    const { logger, text } = capture();
    const m = createMetrics();
    auditEvent(logger, { event: 'request.completed', requestId: 'r1', agent: 'a', route: 'chat', decision: 'allow', status: 200, latencyMs: 3 }, m);
    auditEvent(logger, { event: 'request.failed', requestId: 'r2', agent: 'a', route: 'chat', decision: 'error', status: 502, latencyMs: 3 }, m);
    const [ok, failed] = text().trim().split('\n').map((l) => JSON.parse(l));
    expect(ok).toMatchObject({ level: 30, audit: true, event: 'request.completed', requestId: 'r1' });
    expect(failed.level).toBe(40);
    const metrics = await m.registry.metrics();
    expect(metrics).toContain('llmfw_requests_total{agent="a",route="chat",decision="allow",status="200"} 1');
    expect(metrics).toContain('llmfw_request_duration_seconds_count{route="chat",decision="error"} 1');
  });
});
