package dev.tokengate.proxy.identity;

/** An {@code AKIA…} access key with its secret and owner. */
public record LongTermKey(String accessKeyId, String secretAccessKey, User owner) {}
