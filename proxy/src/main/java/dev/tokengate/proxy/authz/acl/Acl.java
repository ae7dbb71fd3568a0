package dev.tokengate.proxy.authz.acl;

import java.io.ByteArrayInputStream;
import java.util.EnumSet;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The grants of a bucket's or object's ACL that the proxy applies: those to the two global groups,
 * AllUsers (anyone, signed or not) and AuthenticatedUsers (any signed caller). Grants to a
 * canonical user or an e-mail address name an account as the backend knows it, and every caller of
 * the proxy reaches the backend as the proxy's one backend identity; within an account, users need
 * policies (as on AWS), so those grants add nothing here.
 */
public record Acl(Set<AclPermission> allUsers, Set<AclPermission> authenticatedUsers) {
  public static final Acl PRIVATE = new Acl(EnumSet.noneOf(AclPermission.class), EnumSet.noneOf(AclPermission.class));

  static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
  static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

  private static final XMLInputFactory FACTORY = factory();

  public Acl {
    allUsers = Set.copyOf(allUsers);
    authenticatedUsers = Set.copyOf(authenticatedUsers);
  }

  /** Whether a caller (anonymous or not) holds {@code p} through a group grant. */
  public boolean grants(AclPermission p, boolean anonymous) {
    return holds(allUsers, p) || (!anonymous && holds(authenticatedUsers, p));
  }

  private static boolean holds(Set<AclPermission> granted, AclPermission p) {
    return granted.contains(p) || granted.contains(AclPermission.FULL_CONTROL);
  }

  /**
   * Reads the group grants of an {@code AccessControlPolicy} document (a backend's GetBucketAcl or
   * GetObjectAcl answer). Unknown permissions and other grantees are skipped.
   *
   * @throws IllegalArgumentException when the document is not XML
   */
  public static Acl parse(byte[] xml) {
    Set<AclPermission> all = EnumSet.noneOf(AclPermission.class);
    Set<AclPermission> authenticated = EnumSet.noneOf(AclPermission.class);
    try {
      XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
      String uri = null;
      String permission = null;
      String element = null;
      StringBuilder text = new StringBuilder();
      while (r.hasNext()) {
        int event = r.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          element = r.getLocalName();
          text.setLength(0);
          if (element.equals("Grant")) {
            uri = null;
            permission = null;
          }
        } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
          text.append(r.getText());
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = r.getLocalName();
          if (name.equals("URI")) {
            uri = text.toString().trim();
          } else if (name.equals("Permission")) {
            permission = text.toString().trim();
          } else if (name.equals("Grant") && uri != null && permission != null) {
            AclPermission p = permissionOf(permission);
            if (p != null && uri.equals(ALL_USERS)) {
              all.add(p);
            } else if (p != null && uri.equals(AUTHENTICATED_USERS)) {
              authenticated.add(p);
            }
          }
          text.setLength(0);
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw new IllegalArgumentException("not an AccessControlPolicy document", e);
    }
    return new Acl(all, authenticated);
  }

  private static AclPermission permissionOf(String name) {
    for (AclPermission p : AclPermission.values()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }
}
