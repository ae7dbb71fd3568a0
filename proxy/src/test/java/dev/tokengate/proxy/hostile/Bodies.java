package dev.tokengate.proxy.hostile;

/** Request bodies the corpus sends. */
final class Bodies {
  private Bodies() {}

  static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  /** A well-formed DeleteObjects body listing {@code keys}. */
  static String delete(String... keys) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"" + NS + "\">");
    for (String k : keys) {
      sb.append("<Object><Key>").append(k).append("</Key></Object>");
    }
    return sb.append("</Delete>").toString();
  }

  /** A DeleteObjects body whose objects are written as given (tricks inside {@code <Delete>}). */
  static String deleteRaw(String inner) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"" + NS + "\">" + inner + "</Delete>";
  }

  /** An ACL granting everyone READ (what a bypass would use to make an object public). */
  static String publicReadAcl() {
    return "<AccessControlPolicy xmlns=\"" + NS + "\"><Owner><ID>x</ID></Owner><AccessControlList><Grant>"
        + "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">"
        + "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission>"
        + "</Grant></AccessControlList></AccessControlPolicy>";
  }

  static String tagging() {
    return "<Tagging xmlns=\"" + NS + "\"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
  }

  /** {@code count} parameters {@code p0=0&p1=1&…} (distinct names). */
  static String params(int count) {
    StringBuilder sb = new StringBuilder(count * 8);
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : "&").append('p').append(i).append('=').append(i);
    }
    return sb.toString();
  }
}
