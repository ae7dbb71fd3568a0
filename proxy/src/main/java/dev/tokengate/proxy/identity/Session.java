package dev.tokengate.proxy.identity;

/** Placeholder replaced once the token record lands. */
public record Session() {}
