package dev.tokengate.sigv4.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Base32Test {

  @Test
  void encodesRfc4648TestVectorsWithoutPadding() {
    String[][] vectors = {{"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
    for (String[] v : vectors) {
      assertEquals(v[1], Base32.encode(v[0].getBytes(StandardCharsets.US_ASCII)), v[0]);
      assertEquals(v[0], new String(Base32.decode(v[1]), StandardCharsets.US_ASCII), v[1]);
    }
  }

  @Test
  void decodesPaddedLowerCaseAndSpacedText() {
    assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw 6ytb oi======"));
  }

  @Test
  void rejectsCharactersOutsideTheAlphabet() {
    assertEquals("not base32: character '1' at position 3",
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZX1")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZ=XW"));
  }
}
