package dev.unfold.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.testing.Dot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphvizTest {
  @TempDir Path dir;

  @Test
  void missingDotSaysHowToInstallIt() {
    Graphviz missing = Graphviz.at(dir.resolve("no-such-dot").toString());
    assertFalse(missing.isInstalled());
    GraphvizException e = assertThrows(GraphvizException.class,
        () -> DumpGoldenTest.elman().render(dir.resolve("g.svg"), Graphviz.Format.SVG, missing));
    assertTrue(e.getMessage().contains("could not be started as '" + dir.resolve("no-such-dot") + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install graphviz"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("g.svg")));
  }

  @Test
  void rendersSvgAndPng() throws IOException {
    Dot.require();
    GraphDump d = DumpGoldenTest.elman();
    Path svg = dir.resolve("elman.svg");
    Path png = dir.resolve("elman.png");
    d.renderSvg(svg);
    d.options(d.options().folded()).renderPng(png);
    assertTrue(Files.readString(svg).contains("<svg") && Files.readString(svg).contains("W_aa"));
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.allMatch(p -> p.equals(svg) || p.equals(png)), "temporary files were left behind");
    }
  }

  @Test
  void rejectedDotFileQuotesDotsComplaint() throws IOException {
    Graphviz dot = Dot.require();
    Path bad = Files.writeString(dir.resolve("bad.dot"), "digraph { a -> }\n");
    GraphvizException e = assertThrows(GraphvizException.class, () -> dot.render(bad, dir.resolve("bad.svg")));
    assertTrue(e.getMessage().contains("rejected " + bad) && e.getMessage().contains("syntax error"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("bad.svg")));
  }

  @Test
  void slowDotIsStoppedAtTheTimeout() throws IOException {
    Path slow = Files.writeString(dir.resolve("slow-dot"), "#!/bin/sh\nsleep 10\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwx------"));
    Path in = Files.writeString(dir.resolve("in.dot"), "digraph { a }\n");
    Graphviz g = Graphviz.at(slow.toString()).withTimeout(Duration.ofMillis(300));
    GraphvizException e = assertThrows(GraphvizException.class, () -> g.render(in, dir.resolve("out.svg")));
    assertTrue(e.getMessage().contains("did not finish within 300 ms"), e.getMessage());
  }

  @Test
  void formatComesFromTheExtension() {
    assertTrue(Graphviz.Format.of(Path.of("a/b.PNG")) == Graphviz.Format.PNG);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Graphviz.Format.of(Path.of("x.gif")));
    assertTrue(e.getMessage().contains("use a .svg or .png name"));
  }
}
