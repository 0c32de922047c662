import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Erf', () => {
  unaryOpCases('Erf', 'one transcendental', [-3, -1.2, -0.3, 0, 0.25, 0.7, 2]);
});
