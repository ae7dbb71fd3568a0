package dev.tokengate.proxy.identity;

/** The secret a request must have been signed with, and the caller it stands for. */
public record ResolvedCredential(String secretAccessKey, Caller caller) {}
