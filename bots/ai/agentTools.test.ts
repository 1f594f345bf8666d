import { describe, expect, it } from 'vitest';
import { builtInToolSpecs, decideToolCall } from './agentTools.js';

describe('built-in tools', () => {
  it('lists only the allowed transfer destinations in the schema', () => {
    const [transfer] = builtInToolSpecs(['transfer_call'], ['+13125550123']);
    expect(transfer?.parameters).toMatchObject({ properties: { to: { enum: ['+13125550123'] } }, required: ['to'] });
  });

  it('transfers only to a configured destination, whatever the model asks', () => {
    expect(decideToolCall('transfer_call', '{"to":"+13125550123"}', ['transfer_call'], ['+13125550123'])).toEqual({ kind: 'transfer', to: '+13125550123' });
    const refused = decideToolCall('transfer_call', '{"to":"+19995550000"}', ['transfer_call'], ['+13125550123']);
    expect(refused.kind).toBe('refuse');
  });

  it('refuses tools the agent does not allow, bad JSON and bad digits', () => {
    expect(decideToolCall('send_dtmf', '{"digits":"1"}', ['end_call'], []).kind).toBe('refuse');
    expect(decideToolCall('end_call', '{not json', ['end_call'], []).kind).toBe('refuse');
    expect(decideToolCall('send_dtmf', '{"digits":"12; rm"}', ['send_dtmf'], []).kind).toBe('refuse');
    expect(decideToolCall('send_dtmf', '{"digits":"1w#"}', ['send_dtmf'], [])).toEqual({ kind: 'dtmf', digits: '1w#' });
    expect(decideToolCall('end_call', '', ['end_call'], [])).toEqual({ kind: 'hangup' });
  });
});
