import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Log', () => {
  unaryOpCases('Log', 'one transcendental', [0.01, 0.5, 1, 2, 10, 1000]);
});
