package dev.unfold.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import dev.unfold.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sample files written by the reference implementation ({@code shared/fixtures/safetensors},
 * see its README): F64 and F32 load with their values and metadata, every other dtype is refused
 * by name rather than misread.
 */
class SafeTensorsReferenceFilesTest {
  private static final Tensor VALUES = Tensors.vector(-3, -2, -1, 0, 1, 2);
  private static final Map<String, String> METADATA = Map.of("test", "a");

  private static Path sample(String name) {
    return SharedDir.require("fixtures/safetensors").resolve(name + ".safetensors");
  }

  @ParameterizedTest(name = "{0}.safetensors")
  @CsvSource({"d", "f"})
  void floatSamplesLoadExactly(String name) throws IOException {
    SafeTensorsFile file = SafeTensors.read(sample(name));
    assertEquals(Map.of(name, VALUES), file.tensors());
    assertEquals(METADATA, file.metadata());
  }

  @ParameterizedTest(name = "{0}.safetensors holds {1}")
  @CsvSource({"e, F16", "b, I8", "B, U8", "h, I16", "H, U16", "i, I32", "I, U32"})
  void otherDtypesAreRefusedByName(String name, String dtype) {
    Path f = sample(name);
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("tensor '" + name + "' is " + dtype), e.getMessage());
  }

  @Test
  void mixedSampleIsRefusedNamingEveryNonFloatTensor() {
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
        () -> SafeTensors.read(sample("overall")));
    for (String s : List.of("'B' is U8", "'H' is U16", "'I' is U32", "'b' is I8", "'e' is F16", "'h' is I16", "'i' is I32")) {
      assertTrue(e.getMessage().contains(s), e.getMessage());
    }
    assertTrue(!e.getMessage().contains("'d'") && !e.getMessage().contains("'f'"), e.getMessage());
  }

  @Test
  void floatTensorsAreReadFromTheMixedSampleWhenSelected() throws IOException {
    SafeTensorsFile file = SafeTensors.read(sample("overall"), Set.of("f", "d"));
    assertEquals(List.of("d", "f"), List.copyOf(file.tensors().keySet()));
    assertEquals(VALUES, file.tensor("d"));
    assertEquals(VALUES, file.tensor("f"));
    assertEquals(METADATA, file.metadata());
  }

  @Test
  void selectingANonFloatTensorIsRefused() {
    CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
        () -> SafeTensors.read(sample("overall"), Set.of("d", "e")));
    assertTrue(e.getMessage().contains("tensor 'e' is F16"), e.getMessage());
  }
}
