package dev.unfold.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write replaces the target whole or not at all, and never leaves a temporary file behind. */
class SafeTensorsAtomicWriteTest {
  @TempDir Path dir;
  private Path target;
  private byte[] old;

  @BeforeEach
  void writeOldCheckpoint() throws IOException {
    target = dir.resolve("model.safetensors");
    SafeTensors.write(target, Map.of("w", Tensors.vector(1, 2, 3)), Map.of("epoch", "1"));
    old = Files.readAllBytes(target);
  }

  private List<Path> folder() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private void assertOldIntactAndNoTemp() throws IOException {
    assertArrayEquals(old, Files.readAllBytes(target));
    assertEquals(List.of(target), folder());
  }

  @Test
  void overwritesAnExistingFileWhole() throws IOException {
    SafeTensors.write(target, Map.of("w", Tensors.vector(4, 5)), Map.of("epoch", "2"));
    SafeTensorsFile read = SafeTensors.read(target);
    assertEquals(Map.of("w", Tensors.vector(4, 5)), read.tensors());
    assertEquals(Map.of("epoch", "2"), read.metadata());
    assertEquals(List.of(target), folder());
  }

  @Test
  void aTensorMapThatFailsWhileIteratedLeavesTheOldFile() throws IOException {
    Map<String, Tensor> failing = new AbstractMap<>() {
      @Override
      public Set<Entry<String, Tensor>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public Iterator<Entry<String, Tensor>> iterator() {
            return Stream.<Entry<String, Tensor>>generate(() -> {
              throw new IllegalStateException("tensor source failed");
            }).iterator();
          }

          @Override
          public int size() {
            return 2;
          }
        };
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SafeTensors.write(target, failing, Map.of()));
    assertEquals("tensor source failed", e.getMessage());
    assertOldIntactAndNoTemp();
  }

  @Test
  void aFailureAfterPartOfTheDataLeavesTheOldFileAndNoTemp() throws IOException {
    IOException e = assertThrows(IOException.class, () -> dev.unfold.io.AtomicFiles.write(target, out -> {
      out.write(new byte[4096]);
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertOldIntactAndNoTemp();
  }

  @Test
  void aFailedRenameLeavesNoTemp() throws IOException {
    // A non-empty folder at the target path: the temporary file is complete but cannot replace it.
    Path folder = Files.createDirectory(dir.resolve("taken"));
    Files.write(folder.resolve("keep"), new byte[] {1});
    assertThrows(IOException.class, () -> SafeTensors.write(folder, Map.of("w", Tensors.scalar(1)), Map.of()));
    assertTrue(Files.isRegularFile(folder.resolve("keep")));
    assertEquals(Set.of(target, folder), Set.copyOf(folder()));
  }

  @Test
  void aMissingFolderFailsWithoutCreatingAnything() throws IOException {
    Path missing = dir.resolve("no/such/folder/model.safetensors");
    assertThrows(NoSuchFileException.class, () -> SafeTensors.write(missing, Map.of("w", Tensors.scalar(1)), Map.of()));
    assertOldIntactAndNoTemp();
  }
}
