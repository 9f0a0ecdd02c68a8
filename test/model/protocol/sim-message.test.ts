import { describe, expect, test } from 'vitest';
import { RECORD_FIELD_MAX } from '../../../src/core/record-fields.js';
import { newMessage } from '../../../src/model/protocol/sim-message.js';

describe('newMessage', () => {
  test('every record field and the order, in the record order, each exactly +0', () => {
    const m = newMessage();
    // The record's fields in their order (every record object has them so), then the order.
    expect(Object.keys(m)).toEqual([
      'timeTicks',
      'kind',
      'flags',
      'source',
      'destination',
      'link',
      'seq',
      'address',
      'lengthBytes',
      'lpid',
      'pid',
      'tag',
      'order',
    ]);
    expect(Object.keys(m).sort()).toEqual([...Object.keys(RECORD_FIELD_MAX), 'order'].sort());
    // The literal starts its fields at -0 (a double); none of that may leak out as a value.
    for (const [field, value] of Object.entries(m)) expect(Object.is(value, 0), field).toBe(true);
  });
});
