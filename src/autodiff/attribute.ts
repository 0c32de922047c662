import { type AttrValue, FloatAttr } from '../graph/builder.js';
import { AttrType, type AttributeProto, type TensorProto } from '../onnx/types.js';

export type { AttrValue };

const encoder = new TextEncoder();

/**
 * An AttributeProto from a builder-style value (the same convention as graph/builder.ts:
 * integers become INT, other numbers FLOAT, `float()` forces FLOAT). Kept here because the
 * builder does not export its converter.
 */
export function nodeAttribute(name: string, v: AttrValue): AttributeProto {
  if (v instanceof FloatAttr) {
    return Array.isArray(v.values)
      ? { name, type: AttrType.FLOATS, floats: [...(v.values as number[])] }
      : { name, type: AttrType.FLOAT, f: v.values as number };
  }
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: encoder.encode(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return { name, type: AttrType.STRINGS, strings: v.map((s: string) => encoder.encode(s)) };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: AttrType.INTS, ints: [...nums] } : { name, type: AttrType.FLOATS, floats: [...nums] };
  }
  return { name, type: AttrType.TENSOR, t: v as TensorProto };
}
