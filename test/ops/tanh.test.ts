import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Tanh', () => {
  unaryOpCases('Tanh', 'one transcendental', [-3, -1, -0.5, 0, 0.5, 2]);
});
