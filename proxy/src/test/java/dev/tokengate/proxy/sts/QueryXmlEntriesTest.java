package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A query-protocol map is written as entry/key/value elements, in the map's order. */
class QueryXmlEntriesTest {
  @Test
  void entriesAreKeyValuePairsInOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Users", 3);
    m.put("UsersQuota", 5000);
    String xml = new String(QueryXml.response(StsXmlNamespace.IAM, "GetAccountSummary",
        Map.of("SummaryMap", new QueryXml.Entries(m)), "req-1"), StandardCharsets.UTF_8);
    assertTrue(xml.contains("<GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>3</value></entry>"
        + "<entry><key>UsersQuota</key><value>5000</value></entry></SummaryMap></GetAccountSummaryResult>"), xml);
  }
}
