package dev.tokengate.sigv4;

/** An access key id with its scope, parsed from {@code Credential=} or {@code X-Amz-Credential}. */
public record Credential(String accessKeyId, CredentialScope scope) {}
