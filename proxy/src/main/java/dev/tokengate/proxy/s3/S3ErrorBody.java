package dev.tokengate.proxy.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Renders the S3 {@code <Error>} XML document: Code, Message, extra elements, RequestId, HostId. */
public final class S3ErrorBody {

  private static final XmlMapper XML =
      XmlMapper.builder().configure(ToXmlGenerator.Feature.WRITE_XML_DECLARATION, true).build();

  private S3ErrorBody() {}

  public static byte[] render(S3Exception e, String resource, String requestId, String hostId) {
    ObjectNode root = XML.createObjectNode();
    root.put("Code", e.error().code());
    root.put("Message", e.getMessage());
    for (Map.Entry<String, String> extra : e.extraElements().entrySet()) {
      root.put(extra.getKey(), extra.getValue());
    }
    if (resource != null) {
      root.put("Resource", resource);
    }
    root.put("RequestId", requestId);
    root.put("HostId", hostId);
    try {
      return XML.writer().withRootName("Error").writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("an ObjectNode of strings must always serialise", impossible);
    }
  }
}
