import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Reciprocal', () => {
  unaryOpCases('Reciprocal', 'one divide', [-3, -1, 0.5, 2, 5, 0.1]);
});
