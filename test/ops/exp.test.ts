import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Exp', () => {
  unaryOpCases('Exp', 'one transcendental', [-3, -1, 0, 0.5, 2, 5]);
});
