package dev.tokengate.policy;

/** The kind of policy a document is attached as; decides parse rules and the wording of denials. */
public enum PolicyType {
  IDENTITY("identity-based policy", "an identity-based policy"),
  RESOURCE("resource-based policy", "a resource-based policy"),
  SESSION("session policy", "a session policy"),
  BOUNDARY("permissions boundary", "a permissions boundary");

  private final String label;
  private final String withArticle;

  PolicyType(String label, String withArticle) {
    this.label = label;
    this.withArticle = withArticle;
  }

  /** The AWS wording, e.g. {@code identity-based policy}. */
  public String label() {
    return label;
  }

  /** The AWS wording with its article, e.g. {@code an identity-based policy}. */
  public String withArticle() {
    return withArticle;
  }

  /** Resource policies name their principal; every other kind applies to the caller implicitly. */
  public boolean requiresPrincipal() {
    return this == RESOURCE;
  }
}
