package dev.tokengate.proxy.tls;

import java.nio.file.Path;

/** A PEM certificate chain (leaf first) and its PEM private key. */
public record CertificateFiles(Path certificateChain, Path privateKey) {}
