package dev.tokengate.proxy.token;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The compact binary form of a {@link Session} inside a token: length-prefixed UTF-8 fields, times
 * as epoch seconds, the session policy deflated when that is shorter. Binary rather than JSON so a
 * typical token stays well under 1.5 KB, which GUI tools and header limits tolerate.
 *
 * <p>Enums are written as explicit wire codes ({@link #wireCode}), never as ordinals: tokens outlive
 * a release, so reordering or extending an enum must not change what a sealed byte means.
 */
final class SessionTokenCodec {
  /** Format 2 appends the source access key id; format 1 tokens (without it) still open. */
  static final int FORMAT = 2;
  private static final int FORMAT_1 = 1;
  private static final int MAX_POLICY_BYTES = 64 * 1024;

  private SessionTokenCodec() {}

  static byte[] encode(Session s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      string(out, s.accessKeyId());
      string(out, s.secretAccessKey());
      string(out, s.action());
      out.writeByte(wireCode(s.principalType()));
      string(out, s.accountId());
      string(out, s.sourceName());
      string(out, s.sessionName());
      out.writeLong(s.issuedAt().getEpochSecond());
      out.writeLong(s.expiresAt().getEpochSecond());
      policy(out, s.sessionPolicy());
      strings(out, s.policyArns());
      out.writeShort(s.tags().size());
      for (Map.Entry<String, String> t : s.tags().entrySet()) {
        string(out, t.getKey());
        string(out, t.getValue());
      }
      strings(out, s.transitiveTagKeys());
      string(out, s.sourceIdentity());
      out.writeLong(s.mfaAuthenticatedAt() == null ? -1 : s.mfaAuthenticatedAt().getEpochSecond());
      out.writeBoolean(s.chained());
      string(out, s.sourceAccessKeyId());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** @throws IOException for anything that is not a well-formed encoding */
  static Session decode(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int format = in.readUnsignedByte();
    if (format != FORMAT && format != FORMAT_1) {
      throw new IOException("unknown session format");
    }
    String accessKeyId = string(in);
    String secret = string(in);
    String action = string(in);
    PrincipalType type = principalType(in.readUnsignedByte());
    String account = string(in);
    String sourceName = string(in);
    String sessionName = string(in);
    Instant issued = instant(in.readLong());
    Instant expires = instant(in.readLong());
    String policy = policy(in);
    List<String> arns = strings(in);
    int tagCount = in.readUnsignedShort();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < tagCount; i++) {
      tags.put(present(string(in)), present(string(in)));
    }
    List<String> transitive = strings(in);
    String sourceIdentity = string(in);
    long mfa = in.readLong();
    boolean chained = in.readBoolean();
    String sourceKey = format == FORMAT ? string(in) : null;
    if (in.available() != 0) {
      throw new IOException("trailing bytes");
    }
    return new Session(
        accessKeyId, secret, action, type, account, sourceName, sessionName, issued, expires,
        policy, arns, tags, transitive, sourceIdentity, mfa < 0 ? null : instant(mfa), chained, sourceKey);
  }

  /** List elements, tag keys and values are never absent; an absent one is a corrupt encoding (found by fuzzing). */
  private static String present(String s) throws IOException {
    if (s == null) {
      throw new IOException("absent list element or tag");
    }
    return s;
  }

  /** Epoch seconds outside Instant's range mean a corrupt encoding, not a crash (found by fuzzing). */
  private static Instant instant(long epochSecond) throws IOException {
    try {
      return Instant.ofEpochSecond(epochSecond);
    } catch (java.time.DateTimeException e) {
      throw new IOException("time out of range");
    }
  }

  /** The principal type's byte in a token; the values equal the ordinals of format 1's first release. */
  static int wireCode(PrincipalType type) {
    return switch (type) {
      case ACCOUNT -> 0;
      case USER -> 1;
      case ASSUMED_ROLE -> 2;
      case FEDERATED_USER -> 3;
      case ANONYMOUS -> 4;
      case WEB_IDENTITY -> 5; // no session has it (a token's bearer gets an assumed role); coded for totality
      case SAML_USER -> 6; // likewise
      case LDAP_USER -> 7; // likewise
    };
  }

  /** @throws IOException for a code no principal type has (the token is then simply invalid) */
  static PrincipalType principalType(int code) throws IOException {
    return switch (code) {
      case 0 -> PrincipalType.ACCOUNT;
      case 1 -> PrincipalType.USER;
      case 2 -> PrincipalType.ASSUMED_ROLE;
      case 3 -> PrincipalType.FEDERATED_USER;
      case 4 -> PrincipalType.ANONYMOUS;
      case 5 -> PrincipalType.WEB_IDENTITY;
      case 6 -> PrincipalType.SAML_USER;
      case 7 -> PrincipalType.LDAP_USER;
      default -> throw new IOException("unknown principal type " + code);
    };
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeShort(0xFFFF);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length >= 0xFFFF) {
      throw new IllegalStateException("a session token field must be shorter than 65535 bytes");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    if (length == 0xFFFF) {
      return null;
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void strings(DataOutputStream out, List<String> list) throws IOException {
    out.writeShort(list.size());
    for (String s : list) {
      string(out, s);
    }
  }

  private static List<String> strings(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(present(string(in)));
    }
    return list;
  }

  /** 0 = none, 1 = plain, 2 = deflated. */
  private static void policy(DataOutputStream out, String policy) throws IOException {
    if (policy == null) {
      out.writeByte(0);
      return;
    }
    byte[] plain = policy.getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(plain);
    deflater.finish();
    byte[] buffer = new byte[plain.length + 64];
    int packed = deflater.deflate(buffer);
    boolean smaller = deflater.finished() && packed < plain.length;
    deflater.end();
    out.writeByte(smaller ? 2 : 1);
    out.writeInt(smaller ? packed : plain.length);
    out.write(smaller ? buffer : plain, 0, smaller ? packed : plain.length);
    if (smaller) {
      out.writeInt(plain.length);
    }
  }

  private static String policy(DataInputStream in) throws IOException {
    int kind = in.readUnsignedByte();
    if (kind == 0) {
      return null;
    }
    int length = in.readInt();
    if (length < 0 || length > MAX_POLICY_BYTES) {
      throw new IOException("policy length out of range");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    if (kind == 1) {
      return new String(b, StandardCharsets.UTF_8);
    }
    int plainLength = in.readInt();
    if (kind != 2 || plainLength < 0 || plainLength > MAX_POLICY_BYTES) {
      throw new IOException("bad policy encoding");
    }
    Inflater inflater = new Inflater(true);
    inflater.setInput(b);
    byte[] plain = new byte[plainLength];
    try {
      if (inflater.inflate(plain) != plainLength) {
        throw new IOException("policy length mismatch");
      }
    } catch (DataFormatException e) {
      throw new IOException("policy does not inflate", e);
    } finally {
      inflater.end();
    }
    return new String(plain, StandardCharsets.UTF_8);
  }
}
