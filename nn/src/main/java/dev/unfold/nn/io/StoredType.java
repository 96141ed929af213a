package dev.unfold.nn.io;

import java.util.Optional;

/**
 * The element types a safetensors header may name, with their width in bits, as in the
 * reference implementation's {@code Dtype}. Knowing every width lets the reader check the layout
 * of tensors it will not load.
 */
enum StoredType {
  BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8), F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
  F8_E4M3FNUZ(8), F8_E5M2FNUZ(8), I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32),
  F32(32), C64(64), F64(64), I64(64), U64(64);

  private final int bits;

  StoredType(int bits) {
    this.bits = bits;
  }

  int bits() {
    return bits;
  }

  /** The type spelled {@code name} in a header, if the format defines it. */
  static Optional<StoredType> parse(String name) {
    for (StoredType t : values()) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
