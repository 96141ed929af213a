package dev.unfold.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The parent pom's path to shared/ reaches the real folder, whichever module the test runs in. */
class SharedDirTest {
  @Test
  void sharedFolderIsFoundThroughThePomProperty() {
    assertTrue(Files.isRegularFile(SharedDir.require(".").resolve("DESIGN.md")));
    assertTrue(Files.isDirectory(SharedDir.require("fixtures/safetensors")));
  }
}
