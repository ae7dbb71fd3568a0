package dev.tokengate.proxy.sts;

/** XML namespaces of the query-protocol APIs. */
public final class StsXmlNamespace {
  public static final String STS = "https://sts.amazonaws.com/doc/2011-06-15/";
  public static final String IAM = "https://iam.amazonaws.com/doc/2010-05-08/";

  private StsXmlNamespace() {}
}
