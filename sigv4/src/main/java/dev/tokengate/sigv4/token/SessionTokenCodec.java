package dev.tokengate.sigv4.token;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encodes a {@link SessionToken} (minus its access key id) as the compact binary plaintext that
 * {@link SessionTokenSealer} encrypts.
 *
 * <p>Layout, version 1: {@code u8 version, u8 action, u8 principalType, u8 flags}, then strings
 * as varint length + UTF-8 (secret, principal ARN, source ARN, user id, account id), issue time
 * as varint epoch seconds, expiry and MFA time as zigzag varint seconds relative to issue, the
 * session policy (raw deflate when that is shorter), the policy ARNs, tags and transitive keys
 * as counted lists, the source identity. Decoding is strict (no trailing bytes, no unknown flags
 * or codes) even though only authenticated plaintext reaches it, so a sealer bug cannot turn
 * into a half-read session.
 */
final class SessionTokenCodec {
  static final int VERSION = 1;
  /** Bounds decoding work; AWS's own limit is 2048 characters, 2 UTF-8 bytes at most each. */
  static final int MAX_POLICY_BYTES = 16 * 1024;

  private static final int MFA = 1;
  private static final int CHAINED = 1 << 1;
  private static final int HAS_MFA_TIME = 1 << 2;
  private static final int HAS_POLICY = 1 << 3;
  private static final int POLICY_DEFLATED = 1 << 4;
  private static final int HAS_SOURCE_IDENTITY = 1 << 5;
  private static final int KNOWN_FLAGS = (1 << 6) - 1;

  private SessionTokenCodec() {}

  /** Encoded bytes in {@code bytes[0, length)}; the array is not trimmed, to save a copy. */
  record Plaintext(byte[] bytes, int length) {}

  static Plaintext encode(SessionToken t) {
    byte[] policy = t.sessionPolicy() == null ? null : t.sessionPolicy().getBytes(StandardCharsets.UTF_8);
    if (policy != null && policy.length > MAX_POLICY_BYTES) {
      throw new IllegalArgumentException("session policy is " + policy.length
          + " UTF-8 bytes; at most " + MAX_POLICY_BYTES + " can be sealed");
    }
    byte[] deflated = policy == null ? null : deflateIfShorter(policy);
    int flags = (t.mfaAuthenticated() ? MFA : 0)
        | (t.chained() ? CHAINED : 0)
        | (t.mfaAuthenticatedAt() != null ? HAS_MFA_TIME : 0)
        | (policy != null ? HAS_POLICY : 0)
        | (deflated != null ? POLICY_DEFLATED : 0)
        | (t.sourceIdentity() != null ? HAS_SOURCE_IDENTITY : 0);

    Writer w = new Writer(256 + (policy == null ? 0 : policy.length));
    w.u8(VERSION);
    w.u8(t.action().code());
    w.u8(t.principalType().code());
    w.u8(flags);
    w.string(t.secretAccessKey());
    w.string(t.principalArn());
    w.string(t.sourceArn());
    w.string(t.userId());
    w.string(t.accountId());
    long issued = t.issuedAt().getEpochSecond();
    w.varlong(issued);
    w.zigzag(t.expiresAt().getEpochSecond() - issued);
    if (t.mfaAuthenticatedAt() != null) {
      w.zigzag(t.mfaAuthenticatedAt().getEpochSecond() - issued);
    }
    if (deflated != null) {
      w.varint(policy.length);
      w.bytes(deflated, deflated.length);
    } else if (policy != null) {
      w.bytes(policy, policy.length);
    }
    w.varint(t.policyArns().size());
    t.policyArns().forEach(w::string);
    w.varint(t.sessionTags().size());
    t.sessionTags().forEach((k, v) -> {
      w.string(k);
      w.string(v);
    });
    w.varint(t.transitiveTagKeys().size());
    t.transitiveTagKeys().forEach(w::string);
    if (t.sourceIdentity() != null) {
      w.string(t.sourceIdentity());
    }
    return new Plaintext(w.buf, w.pos);
  }

  static SessionToken decode(byte[] b, int off, int len, String accessKeyId) throws InvalidTokenException {
    Reader r = new Reader(b, off, off + len);
    int version = r.u8();
    if (version != VERSION) {
      throw new InvalidTokenException("unknown codec version " + version);
    }
    int actionCode = r.u8();
    StsAction action = StsAction.ofCode(actionCode);
    int typeCode = r.u8();
    SessionToken.PrincipalType type = SessionToken.PrincipalType.ofCode(typeCode);
    if (action == null || type == null) {
      throw new InvalidTokenException("unknown action " + actionCode + " or principal type " + typeCode);
    }
    int flags = r.u8();
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new InvalidTokenException("unknown flags " + Integer.toBinaryString(flags));
    }
    String secret = r.string();
    String principalArn = r.string();
    String sourceArn = r.string();
    String userId = r.string();
    String accountId = r.string();
    long issued = r.varlong();
    long expires = addExact(issued, r.zigzag());
    Instant mfaAt = (flags & HAS_MFA_TIME) != 0 ? Instant.ofEpochSecond(addExact(issued, r.zigzag())) : null;
    String policy = null;
    if ((flags & POLICY_DEFLATED) != 0) {
      int size = r.varint();
      if (size > MAX_POLICY_BYTES) {
        throw new InvalidTokenException("inflated policy would be " + size + " bytes");
      }
      int n = r.varint();
      policy = inflate(b, r.take(n), n, size);
    } else if ((flags & HAS_POLICY) != 0) {
      policy = r.string();
    }
    List<String> policyArns = new ArrayList<>();
    for (int i = r.count(); i > 0; i--) {
      policyArns.add(r.string());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = r.count(); i > 0; i--) {
      String key = r.string();
      if (tags.put(key, r.string()) != null) {
        throw new InvalidTokenException("duplicate tag key");
      }
    }
    List<String> transitive = new ArrayList<>();
    for (int i = r.count(); i > 0; i--) {
      transitive.add(r.string());
    }
    String sourceIdentity = (flags & HAS_SOURCE_IDENTITY) != 0 ? r.string() : null;
    if (r.pos != r.end) {
      throw new InvalidTokenException((r.end - r.pos) + " trailing bytes after the session");
    }
    try {
      return new SessionToken(accessKeyId, secret, action, type, principalArn, sourceArn, userId,
          accountId, Instant.ofEpochSecond(issued), Instant.ofEpochSecond(expires), policy,
          policyArns, tags, transitive, sourceIdentity, (flags & MFA) != 0, mfaAt,
          (flags & CHAINED) != 0);
    } catch (RuntimeException e) { // IllegalArgument/DateTime: values out of range
      throw new InvalidTokenException("decoded session is not valid: " + e.getMessage(), e);
    }
  }

  private static long addExact(long a, long b) throws InvalidTokenException {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new InvalidTokenException("time overflows");
    }
  }

  // A raw stream (no zlib header or checksum): GCM already authenticates every byte.
  private static byte[] deflateIfShorter(byte[] policy) {
    if (policy.length < 32) {
      return null;
    }
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(policy);
      deflater.finish();
      // Only worth it if it saves more than the extra length varint costs.
      byte[] out = new byte[policy.length - 3];
      int n = 0;
      while (!deflater.finished() && n < out.length) {
        n += deflater.deflate(out, n, out.length - n);
      }
      return deflater.finished() ? Arrays.copyOf(out, n) : null;
    } finally {
      deflater.end();
    }
  }

  private static String inflate(byte[] b, int off, int len, int size) throws InvalidTokenException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(b, off, len);
      byte[] out = new byte[size];
      int n = 0;
      while (n < size && !inflater.finished()) {
        int got = inflater.inflate(out, n, size - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += got;
      }
      if (n != size || !inflater.finished() || inflater.getRemaining() != 0) {
        throw new InvalidTokenException("session policy does not inflate to " + size + " bytes");
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      throw new InvalidTokenException("session policy is not a deflate stream", e);
    } finally {
      inflater.end();
    }
  }

  private static final class Writer {
    byte[] buf;
    int pos;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    void u8(int v) {
      room(1);
      buf[pos++] = (byte) v;
    }

    void varint(int v) {
      varlong(v & 0xffffffffL);
    }

    void varlong(long v) {
      room(10);
      while ((v & ~0x7fL) != 0) {
        buf[pos++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void zigzag(long v) {
      varlong((v << 1) ^ (v >> 63));
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      bytes(utf8, utf8.length);
    }

    void bytes(byte[] data, int n) {
      varint(n);
      room(n);
      System.arraycopy(data, 0, buf, pos, n);
      pos += n;
    }

    private void room(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }
  }

  private static final class Reader {
    final byte[] b;
    int pos;
    final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    int u8() throws InvalidTokenException {
      if (pos >= end) {
        throw new InvalidTokenException("session truncated at byte " + pos);
      }
      return b[pos++] & 0xff;
    }

    long varlong() throws InvalidTokenException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new InvalidTokenException("varint longer than 64 bits");
    }

    long zigzag() throws InvalidTokenException {
      long v = varlong();
      return (v >>> 1) ^ -(v & 1);
    }

    int varint() throws InvalidTokenException {
      long v = varlong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new InvalidTokenException("length " + v + " out of range");
      }
      return (int) v;
    }

    /** A list size; every element takes at least a byte, which bounds allocation. */
    int count() throws InvalidTokenException {
      int n = varint();
      if (n > end - pos) {
        throw new InvalidTokenException("count " + n + " exceeds the remaining bytes");
      }
      return n;
    }

    /** Skips {@code n} bytes and returns where they start. */
    int take(int n) throws InvalidTokenException {
      if (n > end - pos) {
        throw new InvalidTokenException("field of " + n + " bytes exceeds the remaining " + (end - pos));
      }
      int start = pos;
      pos += n;
      return start;
    }

    String string() throws InvalidTokenException {
      int n = varint();
      return new String(b, take(n), n, StandardCharsets.UTF_8);
    }
  }
}
