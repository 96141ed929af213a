package dev.unfold.examples.charlm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeSet;

/** A text as character ids: its vocabulary (sorted distinct characters) and a train/validation split. */
public final class Corpus {
  private final String text;
  private final char[] vocabulary;
  private final int[] index = new int[Character.MAX_VALUE + 1];

  public Corpus(String text, char[] vocabulary) {
    this.text = text;
    this.vocabulary = vocabulary.clone();
    Arrays.fill(index, -1);
    for (int i = 0; i < vocabulary.length; i++) {
      index[vocabulary[i]] = i;
    }
  }

  /** A corpus over all characters of {@code text}. */
  public static Corpus of(String text) {
    TreeSet<Character> chars = new TreeSet<>();
    for (int i = 0; i < text.length(); i++) {
      chars.add(text.charAt(i));
    }
    char[] v = new char[chars.size()];
    int i = 0;
    for (char c : chars) {
      v[i++] = c;
    }
    return new Corpus(text, v);
  }

  /** The bundled King James text (Genesis–Judges); see {@code README.md} beside it. */
  public static Corpus bundled() {
    try (InputStream in = Corpus.class.getResourceAsStream("kjv.txt")) {
      if (in == null) {
        throw new IllegalStateException("the bundled corpus kjv.txt is missing from the classpath");
      }
      return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int size() {
    return vocabulary.length;
  }

  public char[] vocabulary() {
    return vocabulary.clone();
  }

  public String text() {
    return text;
  }

  /** The id of {@code c}; an error naming the character when it is not in the vocabulary. */
  public int id(char c) {
    int i = index[c];
    if (i < 0) {
      throw new IllegalArgumentException("character '" + c + "' (U+" + Integer.toHexString(c) + ") is not in the vocabulary");
    }
    return i;
  }

  public int[] encode(String s) {
    int[] out = new int[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = id(s.charAt(i));
    }
    return out;
  }

  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(vocabulary[id]);
    }
    return sb.toString();
  }

  /** The first {@code 1 − fraction} of the text for training, the rest for validation. */
  public int[][] split(double validationFraction) {
    int[] all = encode(text);
    int cut = (int) Math.round(all.length * (1 - validationFraction));
    return new int[][] {Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length)};
  }
}
