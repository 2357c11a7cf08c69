// The result type of numeric pipelines, shaped like a Transformers.js Tensor.

/** An n-dimensional result: float32 (model outputs) or int64 (token ids, masks). */
export class Tensor {
  /**
   * @param {Float32Array|BigInt64Array} data
   * @param {number[]} dims
   * @param {'float32'|'int64'} [type]
   */
  constructor(data, dims, type = 'float32') {
    this.type = type;
    this.data = data;
    this.dims = dims;
  }

  get size() {
    return this.data.length;
  }

  /** Nested plain arrays following dims. */
  tolist() {
    const { data, dims } = this;
    const build = (axis, offset) => {
      if (axis === dims.length) return data[offset];
      let stride = 1;
      for (let i = axis + 1; i < dims.length; i++) stride *= dims[i];
      const out = new Array(dims[axis]);
      for (let i = 0; i < dims[axis]; i++) out[i] = build(axis + 1, offset + i * stride);
      return out;
    };
    if (dims.length === 0) return [];
    return build(0, 0);
  }
}
