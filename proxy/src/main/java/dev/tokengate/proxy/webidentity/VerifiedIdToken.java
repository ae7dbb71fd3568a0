package dev.tokengate.proxy.webidentity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The claims of an ID token whose signature, times and audience were checked.
 *
 * @param audience the client id that matched ({@code aud}, else {@code azp})
 * @param aud every {@code aud} value
 * @param azp the {@code azp} claim, or null
 * @param amr the {@code amr} values (empty if absent)
 * @param principalTags the first value of each {@code principal_tags} entry of the {@code
 *     https://aws.amazon.com/tags} claim, in order
 * @param transitiveTagKeys that claim's {@code transitive_tag_keys}
 */
public record VerifiedIdToken(
    String issuer, String subject, String audience, List<String> aud, String azp, List<String> amr,
    Instant expiresAt, Map<String, String> principalTags, List<String> transitiveTagKeys) {}
