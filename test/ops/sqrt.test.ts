import { describe } from 'node:test';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Sqrt', () => {
  unaryOpCases('Sqrt', 'one square root', [0, 0.25, 1, 2, 9, 100]);
});
