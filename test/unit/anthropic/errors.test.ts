// Covers Anthropic-shaped error rendering (src/llm/anthropic/errors.ts): every catalogue entry maps
// to one of Anthropic's documented error types and keeps the firewall's wire code. Starts nothing.
import { describe, expect, it } from 'vitest';
import { ERRORS, deny } from '../../../src/errors.js';
import { anthropicErrorBody, anthropicErrorHeaders, anthropicErrorType } from '../../../src/llm/anthropic/errors.js';

const DOCUMENTED = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'timeout_error', 'api_error', 'overloaded_error',
]);

describe('anthropicErrorBody', () => {
  it('renders every catalogue entry with a documented Anthropic type and the firewall code', () => {
    for (const [key, entry] of Object.entries(ERRORS)) {
      const body = anthropicErrorBody(deny(key as keyof typeof ERRORS, 'detail'), 'req_1');
      expect(body.type).toBe('error');
      expect(DOCUMENTED.has(body.error.type), `${key} → ${body.error.type}`).toBe(true);
      expect(body.error.code).toBe(entry.code);
      expect(body.request_id).toBe('req_1');
    }
  });

  it('maps the status classes to the types the Anthropic SDK turns into its error classes', () => {
    expect(anthropicErrorType(ERRORS.UNAUTHENTICATED)).toBe('authentication_error');
    expect(anthropicErrorType(ERRORS.MODEL_NOT_ALLOWED)).toBe('permission_error');
    expect(anthropicErrorType(ERRORS.BLOCKED)).toBe('permission_error');
    expect(anthropicErrorType(ERRORS.BUDGET_EXCEEDED)).toBe('rate_limit_error');
    expect(anthropicErrorType(ERRORS.INVALID_REQUEST)).toBe('invalid_request_error');
    expect(anthropicErrorType(ERRORS.BODY_TOO_LARGE)).toBe('request_too_large');
    expect(anthropicErrorType(ERRORS.UPSTREAM_TIMEOUT)).toBe('timeout_error');
    expect(anthropicErrorType(ERRORS.UPSTREAM_UNREACHABLE)).toBe('api_error');
  });

  it('fills the message template with the detail and names the rule, not the matched text', () => {
    const body = anthropicErrorBody(deny('BLOCKED', 'secrets.aws-access-key', { rules: ['secrets.aws-access-key'] }));
    expect(body.error.message).toBe('Blocked by the firewall: secrets.aws-access-key');
    expect(body).not.toHaveProperty('request_id');
  });

  it('adds retry-after only when the denial carries one, rounded up to whole seconds', () => {
    expect(anthropicErrorHeaders(deny('RATE_LIMITED', 'x', { retryAfter: 1.2 }))).toEqual({ 'retry-after': '2' });
    expect(anthropicErrorHeaders(deny('BLOCKED', 'x'))).toEqual({});
  });
});
