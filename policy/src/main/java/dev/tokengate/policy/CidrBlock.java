package dev.tokengate.policy;

/**
 * An IPv4 or IPv6 CIDR block from an IpAddress condition; addresses are held as 128-bit values
 * with IPv4 mapped into {@code ::ffff:0:0/96}, so one comparison serves both families.
 *
 * @param high the upper 64 bits of the network address
 * @param low the lower 64 bits of the network address
 * @param prefix the prefix length in the 128-bit space
 */
public record CidrBlock(long high, long low, int prefix) {
  private static final long V4_MAPPED = 0xffff_0000_0000L;

  /**
   * Parses {@code 10.0.0.0/8}, {@code 192.0.2.1} (a /32), {@code 2001:db8::/32} or an IPv6 address.
   *
   * @throws MalformedPolicyException when the text is not an address or CIDR
   */
  public static CidrBlock parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    long[] value = new long[2];
    int bits = parseAddress(address, value);
    if (bits < 0) {
      throw new MalformedPolicyException("Invalid IP address in condition: " + text);
    }
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new MalformedPolicyException("Invalid IP address in condition: " + text);
      }
    }
    int total = bits == 32 ? prefix + 96 : prefix;
    return new CidrBlock(value[0] & mask(total, true), value[1] & mask(total, false), total);
  }

  /** Whether {@code address} (IPv4 or IPv6 text) lies in the block; unparsable text never does. */
  public boolean contains(String address) {
    long high;
    long low;
    int v4 = parseV4(address, 0, address.length());
    if (v4 != -1 || "255.255.255.255".equals(address)) {
      high = 0;
      low = V4_MAPPED | (v4 & 0xffff_ffffL);
    } else {
      long[] value = new long[2];
      if (parseAddress(address, value) < 0) {
        return false;
      }
      high = value[0];
      low = value[1];
    }
    return (high & mask(prefix, true)) == this.high && (low & mask(prefix, false)) == this.low;
  }

  private static long mask(int prefix, boolean upper) {
    int bits = upper ? Math.min(prefix, 64) : Math.max(prefix - 64, 0);
    return bits == 0 ? 0 : -1L << (64 - bits);
  }

  /** Fills {@code out} and returns 32 or 128 (the family's bit count), or -1 when not an address. */
  private static int parseAddress(String s, long[] out) {
    if (s.indexOf(':') < 0) {
      int v4 = parseV4(s, 0, s.length());
      if (v4 == -1 && !"255.255.255.255".equals(s)) {
        return -1;
      }
      out[0] = 0;
      out[1] = V4_MAPPED | (v4 & 0xffff_ffffL);
      return 32;
    }
    return parseV6(s, out) ? 128 : -1;
  }

  // Returns the address as an int, or -1 when malformed (255.255.255.255 is checked by callers).
  private static int parseV4(String s, int from, int to) {
    int value = 0;
    int octets = 0;
    int i = from;
    while (i < to) {
      int octet = 0;
      int start = i;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        octet = octet * 10 + (s.charAt(i++) - '0');
      }
      if (i == start || octet > 255) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (i < to) {
        if (s.charAt(i) != '.' || octets == 4) {
          return -1;
        }
        i++;
        if (i == to) {
          return -1;
        }
      }
    }
    return octets == 4 ? value : -1;
  }

  private static boolean parseV6(String s, long[] out) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    int n = s.length();
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (s.startsWith(":")) {
      return false;
    }
    while (i < n) {
      int end = i;
      while (end < n && s.charAt(end) != ':') {
        end++;
      }
      if (end == i) {
        if (gap >= 0) {
          return false;
        }
        gap = count;
        i++;
        continue;
      }
      if (end == n && s.indexOf('.', i) >= 0) {
        int v4 = parseV4(s, i, n);
        if ((v4 == -1 && !s.substring(i).equals("255.255.255.255")) || count > 6) {
          return false;
        }
        groups[count++] = (v4 >>> 16) & 0xffff;
        groups[count++] = v4 & 0xffff;
        i = n;
        break;
      }
      if (end - i > 4 || count == 8) {
        return false;
      }
      int g = 0;
      for (int j = i; j < end; j++) {
        int d = Character.digit(s.charAt(j), 16);
        if (d < 0) {
          return false;
        }
        g = g * 16 + d;
      }
      groups[count++] = g;
      i = end < n ? end + 1 : end;
      if (end < n && end + 1 == n) {
        return false;
      }
    }
    int[] full = new int[8];
    if (gap < 0) {
      if (count != 8) {
        return false;
      }
      full = groups;
    } else {
      if (count > 7) {
        return false;
      }
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - (count - gap), count - gap);
    }
    out[0] = ((long) full[0] << 48) | ((long) full[1] << 32) | ((long) full[2] << 16) | full[3];
    out[1] = ((long) full[4] << 48) | ((long) full[5] << 32) | ((long) full[6] << 16) | full[7];
    return true;
  }
}
